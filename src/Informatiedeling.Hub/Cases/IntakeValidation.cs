using System.ComponentModel.DataAnnotations;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// A person's name as the blind index takes it: no control characters (a NUL would index a different person than
/// the name reads), and no longer than any name. The message names the member, never the name.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PersonNameAttribute : ValidationAttribute
{
    public const int MaxLength = 300;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) => value switch
    {
        null => ValidationResult.Success,
        string { Length: > MaxLength } => Refuse(validationContext, $"is longer than {MaxLength} characters"),
        string s when s.Any(char.IsControl) => Refuse(validationContext, "holds control characters"),
        string => ValidationResult.Success,
        _ => Refuse(validationContext, "must be a string"),
    };

    private static ValidationResult Refuse(ValidationContext context, string problem) =>
        new($"{context.DisplayName} {problem}", context.MemberName is { } member ? [member] : null);
}

/// <summary>A date that cannot lie ahead (a date of birth): compared with the hub's clock, in UTC.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class NotInTheFutureAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not DateOnly date)
        {
            return ValidationResult.Success;
        }

        var time = validationContext.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        return date <= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)
            ? ValidationResult.Success
            : new ValidationResult($"{validationContext.DisplayName} lies in the future", validationContext.MemberName is { } member ? [member] : null);
    }
}
