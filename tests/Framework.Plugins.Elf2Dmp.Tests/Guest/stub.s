# Multiboot stub for the elf2dmp QEMU test. It builds the kernel's 4-level page tables (an identity
# 2 MB page for itself, the kernel image through a 2 MB page, the IDT, KUSER_SHARED_DATA and each CPU's
# KPCR/KPRCB pages through 4 KB pages) and IDT entry 0, enters long mode, loads the IDT and the GS bases,
# sets recognisable registers, reports on the debug console (port 0xe9) and halts. The kernel image and
# the kernel's data (KDBG, KdVersionBlock, KUSER_SHARED_DATA, KPRCBs) are placed by -device loader.
    .set PARAMS, 0x1f0000           # see QemuMachine: addresses the stub needs, u64 each
    .set P_IDT_VA, PARAMS + 8
    .set P_GS_BASE, PARAMS + 16
    .set P_KERNEL_GS_BASE, PARAMS + 24
    .set P_IDT_PA, PARAMS + 32
    .set P_KPCR_PA, PARAMS + 40     # CPU n's 9 KPCR pages start at P_KPCR_PA + n * 0x9000
    .set P_KUSER_PA, PARAMS + 48
    .set P_HANDLER, PARAMS + 56     # IDT[0] handler (KiDivideErrorFault)
    .set P_CPUS, PARAMS + 64
    .set P_KERNEL_PA, PARAMS + 72
    .set TABLES, 0x1c0000           # 9 tables, zeroed below
    .set PML4, TABLES
    .set PDPT_LOW, TABLES + 0x1000
    .set PD_LOW, TABLES + 0x2000
    .set PDPT_KERNEL, TABLES + 0x3000
    .set PD_KERNEL, TABLES + 0x4000
    .set PT_KERNEL, TABLES + 0x5000
    .set PDPT_KUSER, TABLES + 0x6000
    .set PD_KUSER, TABLES + 0x7000
    .set PT_KUSER, TABLES + 0x8000

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
    # Zero the tables.
    mov $TABLES, %edi
    mov $(9 * 1024), %ecx
    xor %eax, %eax
    rep stosl
    # Identity: PML4[0] -> PDPT_LOW[0] -> PD_LOW[0] = 2 MB page at 0.
    movl $(PDPT_LOW + 3), PML4
    movl $(PD_LOW + 3), PDPT_LOW
    movl $0x83, PD_LOW
    # 0xfffff800_00000000: PML4[0x1f0] -> PDPT_KERNEL[0] -> PD_KERNEL; PD[16] = 2 MB page (the image).
    movl $(PDPT_KERNEL + 3), PML4 + 0x1f0 * 8
    movl $(PD_KERNEL + 3), PDPT_KERNEL
    mov P_KERNEL_PA, %eax
    or $0x83, %eax
    mov %eax, PD_KERNEL + 16 * 8
    movl $(PT_KERNEL + 3), PD_KERNEL
    # PT_KERNEL[0x10] = the IDT page.
    mov P_IDT_PA, %eax
    or $3, %eax
    mov %eax, PT_KERNEL + 0x10 * 8
    # PT_KERNEL[0x100 + n * 0x10 + j] = KPCR page j of CPU n.
    mov P_KPCR_PA, %eax
    or $3, %eax
    mov $(PT_KERNEL + 0x100 * 8), %edi
    mov P_CPUS, %edx
1:
    mov $9, %ecx
    push %edi
2:
    mov %eax, (%edi)
    add $0x1000, %eax
    add $8, %edi
    dec %ecx
    jnz 2b
    pop %edi
    add $(0x10 * 8), %edi
    dec %edx
    jnz 1b
    # 0xfffff780_00000000: PML4[0x1ef] -> PDPT_KUSER[0] -> PD_KUSER[0] -> PT_KUSER[0] = KUSER_SHARED_DATA.
    movl $(PDPT_KUSER + 3), PML4 + 0x1ef * 8
    movl $(PD_KUSER + 3), PDPT_KUSER
    movl $(PT_KUSER + 3), PD_KUSER
    mov P_KUSER_PA, %eax
    or $3, %eax
    mov %eax, PT_KUSER
    # IDT[0]: an interrupt gate to the handler, kernel code selector 0x10.
    mov P_IDT_PA, %edi
    mov P_HANDLER, %eax
    mov %ax, (%edi)
    movw $0x10, 2(%edi)
    movw $0x8e00, 4(%edi)
    shr $16, %eax
    mov %ax, 6(%edi)
    mov P_HANDLER + 4, %eax
    mov %eax, 8(%edi)
    movl $0, 12(%edi)
    mov $PML4, %eax
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
    mov P_IDT_VA, %rax
    mov %rax, idtr + 2
    lidt idtr
    mov $0xc0000101, %ecx           # IA32_GS_BASE: the KPCR
    mov P_GS_BASE, %eax
    mov P_GS_BASE + 4, %edx
    wrmsr
    mov $0xc0000102, %ecx           # IA32_KERNEL_GS_BASE
    mov P_KERNEL_GS_BASE, %eax
    mov P_KERNEL_GS_BASE + 4, %edx
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
