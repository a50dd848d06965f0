using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Framework.Testing.Lifecycle;

/// <summary>Validates options with their data annotations and IValidatableObject, naming each
/// failure by its configuration path (Plugins:id:Property) as the host does.</summary>
internal sealed class DataAnnotationsOptionsValidator<TOptions>(string sectionPath) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var failures = results
            .Select(r => r.MemberNames.Any()
                ? $"{string.Join(", ", r.MemberNames.Select(m => $"{sectionPath}:{m}"))}: {r.ErrorMessage}"
                : $"{sectionPath}: {r.ErrorMessage}")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
