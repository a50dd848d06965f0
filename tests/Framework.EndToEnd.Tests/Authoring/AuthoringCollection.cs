namespace Framework.EndToEnd.Tests.Authoring;

/// <summary>The authoring tests share one <see cref="AuthoringWorkspace"/>: packing, generating and
/// publishing is done once (about a minute on two cores).</summary>
[CollectionDefinition(Name)]
public sealed class AuthoringCollection : ICollectionFixture<AuthoringWorkspace>
{
    public const string Name = "authoring";
}
