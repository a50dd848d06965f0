/*
 * A stand-in for ntoskrnl: the globals a crash-dump converter looks up by name in the kernel's PDB,
 * and an IDT[0] handler. Built with clang --target=x86_64-pc-windows-msvc and lld-link /debug, so the
 * image carries a real RSDS record and the PDB is a genuine MSF 7.0 file with public symbols.
 * Every global is initialised so that it lands in .data, which /filealign:0x1000 lays out in the file
 * exactly as in memory.
 */
typedef unsigned long long ULONG64;
typedef unsigned char UCHAR;

UCHAR KdDebuggerDataBlock[0x368] = { 1 };
ULONG64 KdVersionBlock[5] = { 1 };
ULONG64 KiWaitNever = 1;
ULONG64 KiWaitAlways = 1;
UCHAR KdpDataBlockEncoded = 1;
ULONG64 PsLoadedModuleList[2] = { 1 };
ULONG64 PsActiveProcessHead[2] = { 1 };
ULONG64 MmPfnDatabase = 1;
ULONG64 KiProcessorBlock[64] = { 1 };

void KiDivideErrorFault(void)
{
    for (;;) {
    }
}

void KiSystemStartup(void)
{
    KiDivideErrorFault();
}
