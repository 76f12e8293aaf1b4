using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Informatiedeling.Hub.Web;

/// <summary>A refusal or problem as a page shows it: a Dutch heading, the broker's reason, and the rule and article it rests on.</summary>
internal sealed record PageProblem(string Heading, string? Detail, string? Rule, string? Article, IReadOnlyList<string> Items);

/// <summary>What every page knows: who is signed in (as admission made them) and the convenant's names.</summary>
internal abstract class HubPageModel(PolicyHolder policy) : PageModel
{
    public Caller Me => Caller.Of(User);

    public Informatiedeling.Policy.Engine.PolicyEngine Engine => policy.Current;

    public Vocabulary Vocabulary => policy.Current.Vocabulary;

    public PolicySet Set => policy.Current.Set;

    /// <summary>A partner's name as the convenant writes it (Politie, Veilig Thuis, …).</summary>
    public string PartnerName(string id) =>
        Vocabulary.Partners.TryGetIndex(id, out var index) && index < Vocabulary.PartnerNames.Length ? Vocabulary.PartnerNames[index] : id;

    /// <summary>An explanation as a sentence on a page: a capital first letter and a full stop.</summary>
    public static string Sentence(string text) =>
        text.Length == 0 ? text : string.Concat(char.ToUpper(text[0], System.Globalization.CultureInfo.GetCultureInfo("nl-NL")).ToString(), text.AsSpan(1), text.EndsWith('.') ? "" : ".");

    /// <summary>A broker's answer that is not a success, in plain Dutch words with what it rests on.</summary>
    public static PageProblem Explain(ProblemAnswer answer)
    {
        var details = answer.Value;
        var heading = answer.StatusCode switch
        {
            StatusCodes.Status404NotFound => "Niet gevonden",
            StatusCodes.Status403Forbidden => "Niet toegestaan volgens het convenant",
            StatusCodes.Status409Conflict => "Het dossier is intussen gewijzigd",
            _ => "Dit kan zo niet worden verwerkt",
        };
        var items = details.Extensions.TryGetValue("problems", out var list) && list is IEnumerable<string> problems ? problems.ToList() : [];
        // A refusal by the convenant carries the rule that refused; its Dutch sentence is what a case worker reads.
        var detail = answer.StatusCode switch
        {
            StatusCodes.Status404NotFound => "Er is geen dossier met dit kenmerk dat u mag zien.",
            _ when answer is Refusal { Rule: { } refusing } => Sentence(refusing.Dutch),
            _ => details.Detail,
        };
        return new PageProblem(
            heading,
            detail,
            details.Extensions.TryGetValue("rule", out var rule) ? rule as string : null,
            details.Extensions.TryGetValue("article", out var article) ? article as string : null,
            items);
    }
}
