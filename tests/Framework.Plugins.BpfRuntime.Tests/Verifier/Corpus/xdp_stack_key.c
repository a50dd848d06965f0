/* A struct key built on the stack (zeroed, then filled) for a hash update and delete. */
#include "bpf_defs.h"
struct flow { __u32 saddr, daddr; __u8 proto; __u8 pad[3]; };
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 128);
    __type(key, struct flow);
    __type(value, __u64);
} flows SEC(".maps");

SEC("xdp")
int track(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end)
        return XDP_PASS;
    struct flow f;
    __builtin_memset(&f, 0, sizeof(f));
    f.saddr = ip->saddr;
    f.daddr = ip->daddr;
    f.proto = ip->protocol;
    __u64 now = bpf_ktime_get_ns();
    if (ip->ttl == 0)
        bpf_map_delete_elem(&flows, &f);
    else
        bpf_map_update_elem(&flows, &f, &now, 0);
    return XDP_PASS;
}
