using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>What one step gave on one target.</summary>
/// <param name="Index">The 0-based step index.</param>
/// <param name="Step">The step.</param>
/// <param name="Errno"><see cref="Errno.None"/> for success, else the errno.</param>
/// <param name="Message">Why it failed; empty on success.</param>
public sealed record SlotStepResult(int Index, SlotPlanStep Step, Errno Errno, string Message)
{
    /// <summary><c>ok</c> or the errno's name, as <c>framework hwbp slots</c> prints it.</summary>
    public string Result => Errno == Errno.None ? "ok" : Errno.ToString();
}
