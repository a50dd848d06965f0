/* Global data: .bss accessed through a direct map value pointer. */
#include "bpf_defs.h"
__u64 packets;
__u64 bytes;
SEC("xdp")
int totals(struct xdp_md *ctx)
{
    __sync_fetch_and_add(&packets, 1);
    __sync_fetch_and_add(&bytes, ctx->data_end - ctx->data);
    return XDP_PASS;
}
