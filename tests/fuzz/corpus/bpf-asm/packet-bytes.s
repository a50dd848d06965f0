ldxw %r2, [%r1+0]
ldxw %r3, [%r1+4]
mov %r4, %r2
add %r4, 14
mov %r0, 0
jgt %r4, %r3, out
ldxh %r0, [%r2+12]
be16 %r0
out:
exit
