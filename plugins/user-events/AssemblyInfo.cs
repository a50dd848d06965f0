using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Framework.Plugins.UserEvents.Tests")]
[assembly: InternalsVisibleTo("Framework.Benchmarks")]
[assembly: InternalsVisibleTo("Framework.Fuzz")]
