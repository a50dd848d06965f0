/* Seed for bpf-elf: a socket filter with a legacy "maps" section map, global data and a subprogram. */
#define SEC(n) __attribute__((section(n), used))
struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
struct __sk_buff { unsigned int len, pkt_type, mark, queue_mapping, protocol; };
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;

struct bpf_map_def SEC("maps") counts = { 2, 4, 8, 4, 0 };
static volatile unsigned int threshold = 100;

static __attribute__((noinline)) unsigned int bucket(unsigned int len)
{
    return len > threshold ? 1 : 0;
}

SEC("socket")
int count_lengths(struct __sk_buff *skb)
{
    unsigned int key = bucket(skb->len);
    unsigned long long *value = bpf_map_lookup_elem(&counts, &key);
    if (value)
        __sync_fetch_and_add(value, 1);
    return 0;
}

char _license[] SEC("license") = "GPL";
