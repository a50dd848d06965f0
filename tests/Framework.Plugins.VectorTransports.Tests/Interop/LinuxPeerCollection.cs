namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>The Linux interop tests share one lab boot (<see cref="LinuxPeerLab"/>) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class LinuxPeerCollection : ICollectionFixture<LinuxPeerLab>
{
    public const string Name = "Linux pseudowire peers";
}
