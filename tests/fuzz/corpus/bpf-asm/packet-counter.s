# Packet counter (XDP): counts frames per (EtherType, IP protocol) in a hash map.
# Key: u32 = EtherType << 8 | IP protocol (0 for non-IP); value: u64 count.
# The map is map_idx(0), the first descriptor the loader passes. License: GPL.
ldxw %r2, [%r1+0]          # data
ldxw %r3, [%r1+4]          # data_end
mov %r4, %r2
add %r4, 14
jgt %r4, %r3, pass         # shorter than an Ethernet header
ldxh %r5, [%r2+12]
be16 %r5                   # EtherType in host order
mov %r6, 0
jne %r5, 0x0800, ipv6
mov %r4, %r2
add %r4, 34
jgt %r4, %r3, count
ldxb %r6, [%r2+23]         # IPv4 protocol
ja count
ipv6:
jne %r5, 0x86dd, other
mov %r4, %r2
add %r4, 54
jgt %r4, %r3, count
ldxb %r6, [%r2+20]         # IPv6 next header
ja count
other:
# Not IP: say so through trace_printk (it becomes a log record).
stxw [%r10-4], %r5
lddw %r1, 0x252050492d6e6f6e   # "non-IP %" (little-endian)
stxdw [%r10-24], %r1
sth [%r10-16], 0x78            # "x" and the terminating NUL
mov %r1, %r10
add %r1, -24
mov %r2, 10
mov %r3, %r5
call 6                         # trace_printk("non-IP %x", 10, ethertype)
ldxw %r5, [%r10-4]
count:
lsh %r5, 8
or %r5, %r6
stxw [%r10-4], %r5
mov %r2, %r10
add %r2, -4
lddw %r1, map_idx(0)
call 1                     # map_lookup_elem
jeq %r0, 0, insert
mov %r1, 1
lock add [%r0], %r1        # existing entry: atomic increment
ja pass
insert:
stdw [%r10-16], 1
lddw %r1, map_idx(0)
mov %r2, %r10
add %r2, -4
mov %r3, %r10
add %r3, -16
mov %r4, 0                 # BPF_ANY
call 2                     # map_update_elem
pass:
mov %r0, 2                 # XDP_PASS
exit
