namespace Framework.KernelLab.Tests;

/// <summary>The lab's tests run one after another: a guest at a time is all two cores can carry.</summary>
[CollectionDefinition(Name)]
public sealed class LabCollection
{
    public const string Name = "KernelLab";
}
