using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.PolicyAdministration;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Beleid;

/// <summary>
/// The editor of a proposal: a title, one file (of the version in force or of the proposal, or a new one) and its text.
/// Posted to the broker as a proposal or a revision of that one file; a refusal lists every problem with file, line and
/// column, links each to its line in a numbered listing of the text as submitted, and keeps the text in the form.
/// </summary>
internal abstract class EditorModel(PolicyHolder policy) : Web.HubPageModel(policy)
{
    /// <summary>The files to choose from, by name, in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; protected set; } = [];

    /// <summary>The file edited (one of <see cref="Files"/> or a new name).</summary>
    public string? FileName { get; protected set; }

    public string? Title { get; protected set; }

    public string? Text { get; protected set; }

    /// <summary>The problems of a refused proposal, where they are; empty when it was not refused for its files.</summary>
    public IReadOnlyList<ProposalProblem> Problems { get; protected set; } = [];

    /// <summary>The text as submitted, when it was refused: the listing shows it with its problems.</summary>
    public string? Submitted { get; protected set; }

    public Web.PageProblem? Problem { get; protected set; }

    /// <summary>False when the editor cannot be shown (the caller may not, or there is no such proposal).</summary>
    public bool Ready { get; protected set; }

    public abstract string Heading { get; }

    public abstract string Action { get; }

    /// <summary>Whether the title must be given (a new proposal), or may be left as it is (a revision).</summary>
    public abstract bool TitleRequired { get; }

    public int MaxTitleLength => PolicyProposals.MaxTitleLength;

    /// <summary>The problems on a line of the edited file.</summary>
    public IReadOnlyList<ProposalProblem> On(int line) => [.. Problems.Where(p => p.File == FileName && p.Line == line)];

    /// <summary>The anchor of a problem's line in the listing, when the problem is in the edited file.</summary>
    public string? Anchor(ProposalProblem problem) => problem.File == FileName && problem.Line > 0 ? $"#regel-{problem.Line}" : null;

    /// <summary>The submitted text as lines, numbered from 1 as the loader counts them.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var lines = (Submitted ?? "").ReplaceLineEndings("\n").Split('\n');

            // A file that ends with a line break has no line after it.
            return lines.Length > 1 && lines[^1].Length == 0 ? lines[..^1] : lines;
        }
    }

    /// <summary>Picks the file of the GET (<c>bestand</c>, or a new name in <c>nieuw</c>) and its text from <paramref name="files"/>.</summary>
    protected void Choose(IReadOnlyDictionary<string, string> files, string? chosen, string? newName)
    {
        Files = [.. files.Keys.Where(k => k != Informatiedeling.Policy.Loading.PolicyLoader.ConvenantFileName).Order(StringComparer.Ordinal)];
        if (!string.IsNullOrWhiteSpace(newName))
        {
            FileName = newName.Trim();
            Text = files.GetValueOrDefault(FileName) ?? "";
        }
        else if (chosen is not null && files.TryGetValue(chosen, out var text))
        {
            FileName = chosen;
            Text = text;
        }

        Ready = true;
    }

    /// <summary>Shows the broker's refusal: the positions of a refused file inline, anything else as a problem in Dutch.</summary>
    protected void Refused(ProblemAnswer problem, string? text)
    {
        Response.StatusCode = problem.StatusCode;
        if (BeleidText.Positions(problem) is { Count: > 0 } positions)
        {
            Problems = positions;
            Submitted = text ?? "";
            Problem = new Web.PageProblem("Het voorstel is geweigerd; de regels die nu gelden blijven", null, null, null, []);
            return;
        }

        Problem = BeleidText.Explain(problem);
    }

    /// <summary>The request of the form: the one file's text, with its line endings as the loader reads them.</summary>
    protected static ProposalRequest ProposalOf(string? title, string file, string? text, string? from = null) =>
        new(string.IsNullOrWhiteSpace(title) ? null : title, new Dictionary<string, string?> { [file] = (text ?? "").ReplaceLineEndings("\n") }, From: from);

    /// <summary>What the page says when the form lacks a file name: nothing is sent to the broker then.</summary>
    protected IActionResult NoFile()
    {
        Problem = new Web.PageProblem("Kies een bestand", "Kies eerst een bestand om te wijzigen, of geef de naam van een nieuw bestand.", null, null, []);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
