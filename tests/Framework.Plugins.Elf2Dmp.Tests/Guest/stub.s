# Multiboot stub for the elf2dmp QEMU test: enters long mode with page tables, IDT and GS bases that
# the test placed in guest memory with -device loader, sets recognisable registers, reports on the
# debug console (port 0xe9) and halts.
    .set PARAMS, 0x1f0000           # cr3, IDT base, GS base, KERNEL_GS_BASE (u64 each)

    .section .multiboot, "a"
    .align 4
    .long 0x1badb002
    .long 0x00000003
    .long -(0x1badb002 + 0x00000003)

    .text
    .code32
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    mov PARAMS, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax                  # CR4.PAE
    mov %eax, %cr4
    mov $0xc0000080, %ecx           # IA32_EFER
    rdmsr
    or $0x100, %eax                 # LME
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax            # PG | PE
    mov %eax, %cr0
    lgdt gdtr
    ljmp $0x10, $long_mode

    .code64
long_mode:
    mov $0x18, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov PARAMS + 8, %rax
    mov %rax, idtr + 2
    lidt idtr
    mov $0xc0000101, %ecx           # IA32_GS_BASE: the KPCR
    mov PARAMS + 16, %eax
    mov PARAMS + 20, %edx
    wrmsr
    mov $0xc0000102, %ecx           # IA32_KERNEL_GS_BASE
    mov PARAMS + 24, %eax
    mov PARAMS + 28, %edx
    wrmsr
    mov $'K', %al
    out %al, $0xe9
    movabs $0x1122334455667788, %rbx
    movabs $0xcafebabe00c0ffee, %r15
    mov $0x5a5a, %rax
halt:
    hlt
    jmp halt

    .data
    .align 16
gdt:
    .quad 0
    .quad 0
    .quad 0x00af9a000000ffff        # 0x10: 64-bit code
    .quad 0x00cf92000000ffff        # 0x18: data
gdtr:
    .word gdtr - gdt - 1
    .long gdt
    .align 16
idtr:
    .word 0xfff
    .quad 0

    .bss
    .align 16
    .space 4096
stack_top:
