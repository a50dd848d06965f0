/* A variable offset into a map value, bounded by a mask. */
#include "bpf_defs.h"
struct slots { __u64 hits[8]; __u64 total; };
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, struct slots);
} table SEC(".maps");

SEC("xdp")
int slots(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    if (data + 1 > end)
        return XDP_PASS;
    __u32 key = 0;
    struct slots *s = bpf_map_lookup_elem(&table, &key);
    if (!s)
        return XDP_PASS;
    __u8 first = *(__u8 *)data;
    s->hits[first & 7] += 1;
    s->total += 1;
    return XDP_PASS;
}
