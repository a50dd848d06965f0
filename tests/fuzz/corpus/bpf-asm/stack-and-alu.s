mov %r1, 7
stxdw [%r10-8], %r1
ldxdw %r0, [%r10-8]
mul %r0, 6
lsh %r0, 2
arsh %r0, 1
neg %r0
mod32 %r0, 5
exit
