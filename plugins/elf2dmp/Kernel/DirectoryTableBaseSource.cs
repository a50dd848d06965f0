namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>Where the kernel's page-table base was found.</summary>
public enum DirectoryTableBaseSource
{
    /// <summary>CPU 0's CR3 already maps the kernel.</summary>
    Cpu0Cr3,

    /// <summary>The CR3 of another CPU that was running kernel code.</summary>
    KernelModeCpu,

    /// <summary>Read from CPU 0's KPCR (found through KERNEL_GS_BASE) under KVA shadowing.</summary>
    KpcrShadow,
}
