/* Seed for bpf-elf and bpf-btf: an XDP program with a BTF-defined hash map (clang -g -O2 -target bpf). */
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
struct xdp_md { unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index; };
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, unsigned long long flags) = (void *) 2;

struct {
    __uint(type, 1);
    __uint(max_entries, 16);
    __type(key, unsigned int);
    __type(value, unsigned long long);
} sizes SEC(".maps");

SEC("xdp")
int count_sizes(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    unsigned int key = end - data;
    unsigned long long one = 1, *value = bpf_map_lookup_elem(&sizes, &key);
    if (value)
        __sync_fetch_and_add(value, 1);
    else
        bpf_map_update_elem(&sizes, &key, &one, 0);
    return 2;
}

char _license[] SEC("license") = "GPL";
