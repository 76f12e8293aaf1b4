using System.Globalization;
using System.Text;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Storage.AccessLog;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// A search of the access log as asked (query string or page form), every member text as given: case (one pseudonym, or
/// several separated by commas: the files of one person), employee (partner and user), partner, time window, event
/// kind, decision, purpose, rule, emergency, and where to continue and how many.
/// </summary>
public sealed record LogSearchRequest(
    string? Case = null,
    string? Partner = null,
    string? User = null,
    string? From = null,
    string? To = null,
    string? Kind = null,
    string? Decision = null,
    string? Purpose = null,
    string? Rule = null,
    string? Emergency = null,
    string? Cursor = null,
    string? Limit = null);

/// <summary>
/// A search parsed: the store's query, and the text its log read records — the names of the parameters with the
/// values that are not personal (kinds, decisions, purposes, rules, instants, partners), a user only as "given", a case
/// by pseudonym in the record's case field. Every problem names the member.
/// </summary>
internal sealed record LogCriteria(AccessLogQuery Query, IReadOnlyList<CasePseudonym> Cases, string Subject)
{
    public const int MaxCases = 20;
    public const int MaxTextLength = 128;

    /// <summary>The days a search may name: wide enough for any log, narrow enough that a day's start and end exist in every offset.</summary>
    public static readonly DateOnly FirstDay = new(1900, 1, 1);

    public static readonly DateOnly LastDay = new(9998, 12, 31);

    internal static readonly TimeZoneInfo Zone = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Amsterdam", out var zone) ? zone : TimeZoneInfo.Utc;

    private static readonly Dictionary<string, AccessEventKind> Kinds =
        Enum.GetValues<AccessEventKind>().ToDictionary(AccessLogNames.Kind, k => k, StringComparer.Ordinal);

    private static readonly Dictionary<string, AccessDecision> Decisions =
        new[] { AccessDecision.Permit, AccessDecision.Partial, AccessDecision.Deny, AccessDecision.Error }.ToDictionary(AccessLogNames.Decision, d => d, StringComparer.Ordinal);

    /// <summary>Parses <paramref name="request"/>: the criteria, or the problems, each naming its member.</summary>
    public static LogCriteria? Parse(string operation, LogSearchRequest request, Vocabulary vocabulary, int defaultLimit, int maxLimit, List<string> problems)
    {
        var query = new AccessLogQuery { NewestFirst = true };
        var subject = new StringBuilder(operation);
        void Say(string name, string value) => subject.Append(';').Append(name).Append('=').Append(value);

        List<CasePseudonym> cases = [];
        if (Given(request.Case) is { } caseText)
        {
            var parts = caseText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > MaxCases)
            {
                problems.Add($"'case' names at most {MaxCases} case pseudonyms");
            }

            foreach (var part in parts.Distinct(StringComparer.Ordinal).Take(MaxCases))
            {
                if (CasePseudonym.TryParse(part, out var pseudonym))
                {
                    cases.Add(pseudonym);
                }
                else
                {
                    problems.Add("'case' must be case pseudonyms as the hub gives them, separated by commas");
                    break;
                }
            }

            query = cases.Count == 1 ? query with { Case = cases[0] } : query with { Cases = cases };
            Say("case", cases.Count == 1 ? cases[0].Value : string.Create(CultureInfo.InvariantCulture, $"{cases.Count} cases"));
        }

        if (Given(request.Partner) is { } partnerText)
        {
            if (PartnerId.TryParse(partnerText, out var partner) && vocabulary.Partners.TryGetIndex(partnerText, out _))
            {
                query = query with { Partner = partner };
                Say("partner", partnerText);
            }
            else
            {
                problems.Add("'partner' must be a partner of the convenant");
            }
        }

        if (Given(request.User) is { } userText)
        {
            if (userText.Length > MaxTextLength || userText.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format))
            {
                problems.Add($"'user' is at most {MaxTextLength} characters, without control characters");
            }
            else if (query.Partner is null)
            {
                // A user id is unique only within its partner's identity provider.
                problems.Add("'user' needs 'partner': a user id is unique only within its partner");
            }
            else
            {
                query = query with { User = userText };
                Say("user", "given");
            }
        }

        var from = Instant(request.From, "from", endOfDay: false, problems);
        var to = Instant(request.To, "to", endOfDay: true, problems);
        if (from is { } f && to is { } t && t <= f)
        {
            problems.Add("'to' must be after 'from'");
        }

        if (from is { } start)
        {
            query = query with { RecordedFrom = start };
            Say("from", start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }

        if (to is { } end)
        {
            query = query with { RecordedBefore = end };
            Say("to", end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }

        if (Given(request.Kind) is { } kindText)
        {
            if (Kinds.TryGetValue(kindText, out var kind))
            {
                query = query with { Kind = kind };
                Say("kind", kindText);
            }
            else
            {
                problems.Add($"'kind' must be one of {string.Join(", ", Kinds.Keys)}");
            }
        }

        if (Given(request.Decision) is { } decisionText)
        {
            if (Decisions.TryGetValue(decisionText, out var decision))
            {
                query = query with { Decision = decision };
                Say("decision", decisionText);
            }
            else
            {
                problems.Add($"'decision' must be one of {string.Join(", ", Decisions.Keys)}");
            }
        }

        if (Given(request.Purpose) is { } purposeText)
        {
            if (PurposeId.TryParse(purposeText, out var purpose) && vocabulary.Purposes.TryGetIndex(purposeText, out _))
            {
                query = query with { Purpose = purpose };
                Say("purpose", purposeText);
            }
            else
            {
                problems.Add("'purpose' must be a purpose of the convenant");
            }
        }

        if (Given(request.Rule) is { } ruleText)
        {
            // A rule of an earlier policy version may be searched for too, so any identifier-like text is taken.
            if (ruleText.Length <= MaxTextLength && ruleText.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                query = query with { Rule = ruleText };
                Say("rule", ruleText);
            }
            else
            {
                problems.Add("'rule' must be a rule identifier such as R-DOEL-ZORG");
            }
        }

        if (Given(request.Emergency) is { } emergencyText)
        {
            if (emergencyText is "true" or "false")
            {
                query = query with { Emergency = emergencyText == "true" };
                Say("emergency", emergencyText);
            }
            else
            {
                problems.Add("'emergency' must be true or false");
            }
        }

        if (request.Cursor is { } cursorText)
        {
            if (LogSearchCursor.TryParse(cursorText, out var cursor))
            {
                query = query with { BeforeSeq = cursor.BeforeSeq };
            }
            else
            {
                problems.Add("'cursor' must be the 'next' of an earlier page, as given");
            }
        }

        var limit = Paging.Limit(request.Limit, defaultLimit, maxLimit, problems);
        Say("before", query.BeforeSeq is { } b ? b.ToString(CultureInfo.InvariantCulture) : "head");
        Say("limit", limit.ToString(CultureInfo.InvariantCulture));
        return problems.Count > 0 ? null : new LogCriteria(query with { Limit = limit }, cases, subject.ToString());
    }

    /// <summary>The start of <paramref name="day"/> in the Netherlands, as an instant.</summary>
    public static DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>A date (a day in the Netherlands: its start, or for 'to' the end) or an ISO 8601 instant with offset.</summary>
    private static DateTimeOffset? Instant(string? text, string name, bool endOfDay, List<string> problems)
    {
        if (Given(text) is not { } given)
        {
            return null;
        }

        if (DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day >= FirstDay && day <= LastDay)
        {
            return endOfDay ? StartOf(day.AddDays(1)) : StartOf(day);
        }

        if (given.Length <= 40 && given.Contains('T', StringComparison.Ordinal) && (given.EndsWith('Z') || given.LastIndexOfAny(['+', '-']) > given.IndexOf('T', StringComparison.Ordinal))
            && DateTimeOffset.TryParse(given, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            && at.UtcDateTime >= FirstDay.ToDateTime(TimeOnly.MinValue) && at.UtcDateTime <= LastDay.ToDateTime(TimeOnly.MinValue))
        {
            return at;
        }

        problems.Add($"'{name}' must be a date (yyyy-MM-dd, a day in the Netherlands, from {FirstDay:yyyy} to {LastDay:yyyy}) or an ISO 8601 date and time with offset");
        return null;
    }
}
