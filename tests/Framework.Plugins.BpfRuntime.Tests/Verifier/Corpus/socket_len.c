/* A socket filter reading its context's scalars and the random helper. */
#include "bpf_defs.h"
SEC("socket")
int keep(struct __sk_buff *skb)
{
    if (skb->len < 64)
        return 0;
    if (skb->protocol == 0xdd86)
        return bpf_get_prandom_u32() & 1 ? skb->len : 0;
    return skb->len;
}
