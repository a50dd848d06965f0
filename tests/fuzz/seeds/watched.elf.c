/* Seed for hwbp-elf-symbols: a tiny static executable whose symbol table names a data object to watch. */
volatile long watched_counter;
const char watched_name[] = "counter";

static void bump(void) { watched_counter++; }

void _start(void)
{
    bump();
    __asm__ volatile("mov $60, %eax\n xor %edi, %edi\n syscall");
}
