using System.Globalization;
using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages;

/// <summary>
/// The reporting point takes in a report: who it is about (name and date of birth, only for the blind index) and the
/// report's fields from the catalogue, each with an input of its type. The report goes to the API's broker
/// (<see cref="CaseBroker.IntakeAsync"/>), which decides what this partner may write; a report about a person who
/// already has an open file is added to that file, and the page says so.
/// </summary>
internal sealed class MeldingModel(PolicyHolder policy, CaseBroker cases, TimeProvider time) : Web.HubPageModel(policy)
{
    /// <summary>The sections of the catalogue a report fills in: the person and the report itself.</summary>
    public static readonly string[] Sections = ["persoon", "melding"];

    public string? FullName { get; private set; }

    public string? DateOfBirth { get; private set; }

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public Web.PageProblem? Problem { get; private set; }

    [BindProperty(SupportsGet = true, Name = "dossier")]
    public string? Done { get; set; }

    [BindProperty(SupportsGet = true, Name = "nieuw")]
    public bool Created { get; set; }

    public IEnumerable<FieldDefinition> Fields => Set.Fields.Where(f => Sections.Contains(f.Section, StringComparer.Ordinal));

    public Web.FieldInput Input(FieldDefinition field) =>
        new(field, Values.GetValueOrDefault(field.Id), Errors.GetValueOrDefault(field.Id));

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var form = Request.Form;
        FullName = form["naam"].ToString().Trim();
        DateOfBirth = form["geboortedatum"].ToString().Trim();
        if (FullName.Length == 0)
        {
            Errors["naam"] = "Vul de naam in van de persoon over wie de melding gaat.";
        }
        else if (FullName.Length > PersonNameAttribute.MaxLength || FullName.Any(char.IsControl))
        {
            Errors["naam"] = $"Een naam is hoogstens {PersonNameAttribute.MaxLength} tekens, zonder regeleinden.";
        }

        DateOnly? born = null;
        if (!DateOnly.TryParseExact(DateOfBirth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            Errors["geboortedatum"] = "Vul de geboortedatum in (dag, maand, jaar).";
        }
        else if (parsed > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
        {
            Errors["geboortedatum"] = "De geboortedatum ligt in de toekomst.";
        }
        else
        {
            born = parsed;
        }

        var fields = Web.FieldForm.Read(form, Fields, Values, Errors);
        if (fields.Count == 0 && Errors.Count == 0)
        {
            Errors["velden"] = "Vul ten minste één veld van de melding in.";
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var answer = await cases.IntakeAsync(User, new IntakeRequest(new IntakePerson(FullName, born), fields), cancellationToken);
        switch (answer.Result)
        {
            case Created<IntakeResult> created:
                return Redirect($"/melding?dossier={Uri.EscapeDataString(created.Value!.Pseudonym)}&nieuw=true");
            case Ok<IntakeResult> added:
                return Redirect($"/melding?dossier={Uri.EscapeDataString(added.Value!.Pseudonym)}&nieuw=false");
            case ProblemAnswer problem:
                Problem = Explain(problem);
                if (problem.Value.Extensions.TryGetValue("errors", out var errors) && errors is IReadOnlyDictionary<string, string[]> byMember)
                {
                    foreach (var (member, messages) in byMember)
                    {
                        Errors[member] = string.Join(" ", messages);
                    }
                }

                Response.StatusCode = problem.StatusCode;
                return Page();
            default:
                throw new InvalidOperationException("The intake broker answered with a result this page does not know.");
        }
    }
}
