using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Framework.Host.Lifecycle;

/// <summary>
/// Validates a plugin's options with their data annotations (property attributes and
/// <see cref="IValidatableObject"/>), naming each failing configuration key.
/// </summary>
/// <remarks>
/// Written instead of using <c>ValidateDataAnnotations()</c>: <see cref="Validator"/> caches every
/// type it sees in process-wide stores (ValidationAttributeStore and TypeDescriptor) that are never
/// cleared, which keeps a plugin's collectible load context alive forever after unload. Reading
/// the attributes straight from the properties keeps nothing.
/// </remarks>
internal sealed class PluginOptionsValidator<TOptions>(string sectionPath) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        foreach (var property in typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead)
            {
                continue;
            }

            var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
            if (attributes.Count == 0)
            {
                continue;
            }

            var value = property.GetValue(options);
            var context = new ValidationContext(options)
            {
                MemberName = property.Name,
                DisplayName = property.GetCustomAttribute<DisplayAttribute>()?.GetName() ?? property.Name,
            };
            foreach (var attribute in attributes)
            {
                var result = attribute.GetValidationResult(value, context);
                if (result != ValidationResult.Success && result is not null)
                {
                    failures.Add($"{sectionPath}:{property.Name}: {result.ErrorMessage}");
                }
            }
        }

        if (failures.Count == 0 && options is IValidatableObject validatable)
        {
            var context = new ValidationContext(options) { DisplayName = typeof(TOptions).Name };
            foreach (var result in validatable.Validate(context))
            {
                var members = result.MemberNames.Any() ? string.Join(", ", result.MemberNames.Select(m => $"{sectionPath}:{m}")) : sectionPath;
                failures.Add($"{members}: {result.ErrorMessage}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
