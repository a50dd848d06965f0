namespace Framework.Plugins.BpfRuntime.Helpers;

/// <summary>A registered helper: its prototype and implementation.</summary>
/// <param name="Prototype">Id, name, arguments and GPL restriction.</param>
/// <param name="Function">The implementation.</param>
public sealed record BpfHelper(BpfHelperPrototype Prototype, BpfHelperFunction Function);
