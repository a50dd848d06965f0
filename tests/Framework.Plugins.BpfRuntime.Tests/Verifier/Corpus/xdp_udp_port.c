/* A variable packet offset: the IPv4 header length comes from the packet. */
#include "bpf_defs.h"
SEC("xdp")
int udp_port(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->protocol != 17)
        return XDP_PASS;
    __u32 ihl = (ip->ihl_version & 0x0f) * 4;
    if (ihl < sizeof(*ip))
        return XDP_DROP;
    struct udphdr *udp = (void *)ip + ihl;
    if ((void *)(udp + 1) > end)
        return XDP_DROP;
    return udp->dest == 0x3500 ? XDP_DROP : XDP_PASS;
}
