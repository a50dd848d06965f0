/* A bpf-to-bpf call: the callee gets scalars and a pointer to the caller's stack. */
#include "bpf_defs.h"
static __attribute__((noinline)) int mix(__u32 *acc, __u32 v)
{
    *acc = (*acc << 3) ^ v;
    return *acc & 0xff;
}

SEC("xdp")
int caller(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    __u32 acc = 7;
    if (data + 4 > end)
        return XDP_PASS;
    int r = mix(&acc, *(__u32 *)data);
    return r > 128 ? XDP_DROP : XDP_PASS;
}
