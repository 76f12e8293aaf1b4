using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// The review queue of the releases that carry the review obligation (emergency releases): each stays there until a
/// privacy officer disposes it — justified, unjustified or escalated — with a note sealed under the case's key as the
/// justification is. The queue is oldest first (the longest waiting on top), keyset-paged. Only a privacy officer sees
/// it and the sealed justification; a partner's own privacy officer only its own employees' releases, and another's are
/// answered as missing. The reviewer cannot be the actor. Every read and every disposition is recorded through the gate
/// before anything is read or stored; a disposition is itself an access-log record about the case.
/// </summary>
internal sealed class ReviewQueue(
    Gate gate, AccessReviewStore reviews, AccessLogJustifications justifications, IOptions<ReviewOptions> options)
{
    public static readonly AccessRoute QueueRoute = new("access-log.reviews", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);
    public static readonly AccessRoute ItemRoute = new("access-log.review-read", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);
    public static readonly AccessRoute DisposalRoute = new("access-log.review", Kind: AccessEventKind.AccessDecision, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);

    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Enough for a note that explains the disposition; the body limit of the hub bounds it anyway.</summary>
    public const int MaxNoteLength = 2000;

    /// <summary>The dispositions, as the API names them.</summary>
    public static readonly IReadOnlyList<string> Dispositions = ["justified", "unjustified", "escalated"];

    private static readonly Dictionary<string, ReviewState> States = new(StringComparer.Ordinal)
    {
        ["open"] = ReviewState.Open,
        ["disposed"] = ReviewState.Disposed,
        ["all"] = ReviewState.All,
    };

    public int ReviewWithinDays => options.Value.ReviewWithinDays;

    public async Task<Results<Ok<ReviewPage>, BadRequestProblem, ForbiddenProblem>> ListAsync(
        ClaimsPrincipal user, string? stateText, string? cursorText, string? limitText, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, QueueRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var problems = new List<string>();
        var stateName = string.IsNullOrWhiteSpace(stateText) ? "open" : stateText.Trim();
        if (!States.TryGetValue(stateName, out var state))
        {
            problems.Add("'state' must be one of open, disposed, all");
        }

        var after = -1L;
        if (cursorText is not null)
        {
            if (ReviewCursor.TryParse(cursorText, out var cursor))
            {
                after = cursor.AfterSeq;
            }
            else
            {
                problems.Add("'cursor' must be the 'next' of an earlier page, as given");
            }
        }

        var limit = Paging.Limit(limitText, DefaultLimit, MaxLimit, problems);
        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The review queue cannot be read so", problems, cancellationToken);
        }

        // No record, no read: the read is on the log before the queue is.
        var scope = Scope(access);
        var subject = string.Create(CultureInfo.InvariantCulture,
            $"reviews;state={stateName};after={(after < 0 ? "head" : after.ToString(CultureInfo.InvariantCulture))};limit={limit}");
        await gate.PermitAsync(access, cancellationToken, subject);
        var found = await reviews.QueueAsync(state, scope.Partner?.Value, after, limit + 1, cancellationToken);
        var items = found.Take(limit).Select(i => Row(i, access.Now)).ToList();
        var next = found.Count > limit ? new ReviewCursor(items[^1].Seq).ToString() : null;
        return TypedResults.Ok(new ReviewPage(items, next, ReviewWithinDays));
    }

    public async Task<Results<Ok<ReviewDetail>, ForbiddenProblem, Refusal>> ShowAsync(
        ClaimsPrincipal user, string seqText, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, ItemRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var (item, missing) = await FindAsync(access, seqText, cancellationToken);
        if (item is null)
        {
            return missing!;
        }

        var record = item.Logged.Record;
        var pseudonym = record.Case!.Value;

        // Recorded about the case before the justification is opened; the record names the seq, never the text.
        await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: SeqSubject(item.Logged.Seq), about: pseudonym);
        return TypedResults.Ok(await DetailAsync(item, access.Now, cancellationToken));
    }

    public async Task<Results<Ok<ReviewDetail>, BadRequestProblem, ForbiddenProblem, Refusal, ConflictProblem>> DisposeAsync(
        ClaimsPrincipal user, string seqText, DispositionRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, DisposalRoute, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var problems = new List<string>();
        if (request is null)
        {
            problems.Add("the body must be an object with 'disposition' and 'note'");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.Disposition))
            {
                problems.Add("'disposition' is required: one of justified, unjustified, escalated");
            }
            else if (!Dispositions.Contains(request.Disposition))
            {
                problems.Add("'disposition' must be one of justified, unjustified, escalated");
            }

            if (string.IsNullOrWhiteSpace(request.Note))
            {
                problems.Add("'note' is required: why the release was or was not justified");
            }
            else if (request.Note.Length > MaxNoteLength)
            {
                problems.Add($"'note' is longer than {MaxNoteLength} characters");
            }
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The disposition is incomplete", problems, cancellationToken);
        }

        var (item, missing) = await FindAsync(access, seqText, cancellationToken);
        if (item is null)
        {
            return missing!;
        }

        var logged = item.Logged;
        var record = logged.Record;
        var pseudonym = record.Case!.Value;
        var subject = string.Create(CultureInfo.InvariantCulture, $"review;seq={logged.Seq};disposition={request!.Disposition}");
        if (record.ActorPartner?.Value == access.Caller.Partner && record.ActorUser == access.Caller.User)
        {
            await gate.RecordAsync(access, AccessDecision.Deny, null, cancellationToken, subject: subject, about: pseudonym);
            return new ForbiddenProblem(new()
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Not your own release",
                Detail = "The release was yours: another privacy officer reviews it.",
            });
        }

        if (item.Disposition is not null)
        {
            return await ConflictAsync(access, subject, pseudonym, "Already disposed", "This release was reviewed already; a disposition is final.", cancellationToken);
        }

        SealedJustification note;
        try
        {
            note = await justifications.SealReviewNoteAsync(pseudonym, record.Id, request.Note!.Trim(), cancellationToken);
        }
        catch (CategoryDestroyedException)
        {
            return await ConflictAsync(access, subject, pseudonym, "The case's data is destroyed",
                "The keys of this case were destroyed (it was purged): a note can no longer be sealed under them, so the release cannot be disposed with one.", cancellationToken);
        }

        // Log first: if the log cannot take the disposition, nothing is stored.
        await gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: subject, about: pseudonym);
        var disposition = new NewDisposition(
            logged.Seq, record.Id, pseudonym.Value, record.ActorPartner?.Value, request.Disposition!, note,
            access.Caller.Partner, access.Caller.User ?? "", access.Now);
        if (!await reviews.DisposeAsync(disposition, cancellationToken))
        {
            // Disposed by a concurrent review after this one was recorded: the record of this one says it did nothing.
            return await ConflictAsync(access, subject, pseudonym, "Already disposed", "This release was reviewed already; a disposition is final.", cancellationToken);
        }

        var stored = new StoredDisposition(disposition.Disposition, note, disposition.ReviewerPartner, disposition.ReviewerUser, disposition.DisposedAt);
        return TypedResults.Ok(await DetailAsync(item with { Disposition = stored }, access.Now, cancellationToken));
    }

    private static OfficerScope Scope(Access.Access access) =>
        access.Officer ?? throw new InvalidOperationException("The review queue is entered as a privacy officer.");

    private static string SeqSubject(long seq) => string.Create(CultureInfo.InvariantCulture, $"review;seq={seq}");

    /// <summary>
    /// The release under review at <paramref name="seqText"/> within the caller's scope; else a 404, recorded, the same
    /// for a seq that does not exist, a record without the review obligation and another partner's employee's release.
    /// </summary>
    private async Task<(ReviewItem? Item, Refusal? Missing)> FindAsync(Access.Access access, string seqText, CancellationToken cancellationToken)
    {
        var item = long.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? await reviews.FindAsync(seq, cancellationToken) : null;
        if (item is not null && item.Logged.Record.Case is not null && Scope(access).Covers(item.Logged.Record.ActorPartner))
        {
            return (item, null);
        }

        var subject = long.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? SeqSubject(asked) : "review;seq=invalid";
        return (null, await gate.MissingAsync(access, "Review not found", "There is no release under review with this number that you may see.", cancellationToken, subject));
    }

    private async Task<ConflictProblem> ConflictAsync(
        Access.Access access, string subject, Informatiedeling.Cases.CasePseudonym pseudonym, string title, string detail, CancellationToken cancellationToken)
    {
        await gate.RecordAsync(access, AccessDecision.Error, null, cancellationToken, subject: subject, about: pseudonym);
        return Problems.Conflict(title, detail);
    }

    private ReviewRow Row(ReviewItem item, DateTimeOffset now)
    {
        var logged = item.Logged;
        var r = logged.Record;
        var until = item.Disposition?.DisposedAt ?? now;
        var open = until - logged.RecordedAt;
        return new ReviewRow(
            logged.Seq,
            logged.RecordedAt,
            r.ActorUser,
            r.ActorPartner?.Value,
            r.Role,
            r.Case?.Value,
            r.Purpose?.Value,
            r.LegalGround,
            r.CategoriesReleased,
            r.FieldsReleased,
            r.Rule,
            r.Article,
            Math.Max(0, (int)open.TotalDays),
            item.Disposition is null && open > TimeSpan.FromDays(ReviewWithinDays),
            item.Disposition is null ? "open" : "disposed",
            item.Disposition is { } d ? new ReviewDisposition(d.Disposition, d.ReviewerPartner, d.ReviewerUser, d.DisposedAt, null) : null);
    }

    private async Task<ReviewDetail> DetailAsync(ReviewItem item, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = item.Logged.Record;
        var pseudonym = record.Case!.Value;
        var row = Row(item, now);
        var justification = record.Justification is { } sealedText ? await justifications.OpenAsync(pseudonym, record.Id, sealedText, cancellationToken) : null;
        if (item.Disposition is { } d && row.Disposition is { } shown)
        {
            row = row with { Disposition = shown with { Note = await justifications.OpenReviewNoteAsync(pseudonym, record.Id, d.Note, cancellationToken) } };
        }

        return new ReviewDetail(row, record.Justification is not null, justification);
    }
}
