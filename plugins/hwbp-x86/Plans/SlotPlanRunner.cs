using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>
/// Replays a <see cref="SlotPlan"/> on a target. Each name gets its own watched variable; an execute
/// breakpoint given as one byte is handed to the kernel with the length it requires. Modifying or
/// closing a name whose open failed gives EBADF, as an operation on a descriptor that was never
/// returned would.
/// </summary>
public static class SlotPlanRunner
{
    /// <summary>Runs every step; <paramref name="onStep"/> sees each result as it comes.</summary>
    public static IReadOnlyList<SlotStepResult> Run(SlotPlan plan, ISlotPlanTarget target, Action<SlotStepResult>? onStep = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(target);
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var open = new Dictionary<string, (HwBreakpointType Type, ulong Length)>(StringComparer.Ordinal);
        var results = new List<SlotStepResult>(plan.Steps.Count);
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = plan.Steps[i];
            if (!slots.TryGetValue(step.Name, out var slot))
            {
                slots[step.Name] = slot = slots.Count;
            }

            var address = target.AddressOf(slot);
            BreakpointCheck check;
            switch (step.Op)
            {
                case SlotPlanOp.Open:
                    var type = step.Type!.Value;
                    var length = X86BreakpointRules.KernelLength(type, step.Length!.Value);
                    check = target.Open(step.Name, step.Cpu, step.Task, type, address, length, step.Pinned);
                    if (check.IsOk)
                    {
                        open[step.Name] = (type, step.Length.Value);
                    }

                    break;
                case SlotPlanOp.Modify when open.TryGetValue(step.Name, out var current):
                    var newType = step.Type ?? current.Type;
                    var newLength = step.Length ?? current.Length;
                    check = target.Modify(step.Name, newType, address, X86BreakpointRules.KernelLength(newType, newLength));
                    if (check.IsOk)
                    {
                        open[step.Name] = (newType, newLength);
                    }

                    break;
                case SlotPlanOp.Close when open.Remove(step.Name):
                    target.Close(step.Name);
                    check = BreakpointCheck.Ok;
                    break;
                default:
                    check = new(Errno.EBADF, $"'{step.Name}' did not open, so there is nothing to {step.OpName}");
                    break;
            }

            var result = new SlotStepResult(i, step, check.Errno, check.Message);
            results.Add(result);
            onStep?.Invoke(result);
        }

        return results;
    }
}
