/* A bounded loop the analysis follows to its end (not unrolled by clang). */
#include "bpf_defs.h"
SEC("xdp")
int checksum(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    __u32 sum = 0;
#pragma clang loop unroll(disable)
    for (int i = 0; i < 32; i++) {
        __u8 *p = data + i;
        if ((void *)(p + 1) > end)
            break;
        sum += *p;
    }
    return sum & 1 ? XDP_DROP : XDP_PASS;
}
