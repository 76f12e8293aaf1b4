using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;

namespace Informatiedeling.Benchmarks.Policy;

/// <summary>
/// The decision engine on the reference policy set with a realistic mix of requests: mostly permitted reads by
/// roles on their case, partly withheld categories, fences, wrong purposes or steps, no role, closed cases,
/// acute safety with justification. Each operation is one decision plus reading every category's explanation.
/// Target: median at most 1 µs and 0 bytes allocated per decision on one core.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class PolicyEngineBenchmarks
{
    private const int Mix = 64;
    private PolicyEngine _engine = null!;
    private DecisionRequest[] _requests = null!;
    private string[][] _raw = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = AppContext.BaseDirectory;
        var result = PolicyLoader.LoadFiles(Path.Combine(root, "convenant", "convenant.yaml"), Path.Combine(root, "policies"));
        _engine = PolicyEngine.Compile(result.Set ?? throw new InvalidOperationException(string.Join("\n", result.Errors)));
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        string[][] shapes =
        [
            ["politie", "R", "uitvoering", "open", "strafrechtelijke-handhaving", "statisch,dynamisch,strafrechtelijk", ""],
            ["zorgcoordinatie", "R", "uitvoering", "open", "zorgcoordinatie", "statisch,dynamisch,exceptioneel,strafrechtelijk", ""],
            ["veilig-thuis", "R", "melding", "open", "signalering-en-weging", "statisch,dynamisch,exceptioneel,strafrechtelijk,melder-identiteit", ""],
            ["zvh", "A", "casusoverleg", "open", "casusoverleg", "statisch,dynamisch,exceptioneel,melder-identiteit", ""],
            ["gemeente", "S", "casusoverleg", "open", "casusoverleg", "statisch,dynamisch,exceptioneel", ""],
            ["politie", "C", "eerste-weging", "open", "signalering-en-weging", "statisch,dynamisch", ""],
            ["ggd", "C", "casusoverleg", "open", "casusoverleg", "dynamisch,statisch", "invited"],
            ["arbeidsinspectie", "S", "uitvoering", "open", "strafrechtelijke-handhaving", "statisch,strafrechtelijk", "invited"],
            ["kmar", "C", "casusoverleg", "open", "casusoverleg", "dynamisch", "expired"],
            ["om", "A", "uitvoering", "open", "zorgcoordinatie", "statisch", ""],
            ["gemeente", "S", "nazorg", "open", "zorgcoordinatie", "statisch,dynamisch,exceptioneel", ""],
            ["politie", "R", "uitvoering", "open", "acute-veiligheid", "statisch,dynamisch,exceptioneel,strafrechtelijk", "justified"],
            ["zvh", "A", "nazorg", "closed", "evaluatie", "dynamisch", ""],
            ["zorgcoordinatie", "R", "nazorg", "closed", "zorgcoordinatie", "statisch,dynamisch", ""],
            ["coa", "", "uitvoering", "open", "zorgcoordinatie", "statisch", ""],
            ["veilig-thuis", "I", "uitvoering", "open", "zorgcoordinatie", "statisch,dynamisch", ""],
        ];

        _raw = [.. Enumerable.Range(0, Mix).Select(i => shapes[i % shapes.Length])];
        _requests = [.. _raw.Select(s => Request(s, at))];
    }

    /// <summary>One decision with typed identifiers (as parsed at the API boundary), explanations read.</summary>
    [Benchmark(OperationsPerInvoke = Mix)]
    public int Decide()
    {
        var sum = 0;
        var categories = _engine.Vocabulary.Categories.Count;
        foreach (ref readonly var request in _requests.AsSpan())
        {
            var decision = _engine.Decide(request);
            for (var c = 0; c < categories; c++)
            {
                if ((decision.Requested & (1UL << c)) != 0)
                {
                    sum += decision.ExplanationFor(c).Article.Length;
                }
            }

            sum += decision.Rule.RuleId.Length + (int)decision.Outcome;
        }

        return sum;
    }

    private static DecisionRequest Request(string[] s, DateTimeOffset at)
    {
        PartnerId.TryParse(s[0], out var partner);
        StepId.TryParse(s[2], out var step);
        PurposeId.TryParse(s[4], out var purpose);
        ImmutableArray<CategoryId> categories = [.. s[5].Split(',').Select(c => CategoryId.TryParse(c, out var id) ? id : default)];
        Role? role = Roles.TryParse(s[1], out var r) ? r : null;
        DateTimeOffset? until = s[6] switch
        {
            "invited" => at.AddDays(14),
            "expired" => at.AddDays(-1),
            _ => null,
        };
        return new DecisionRequest(partner, role, step, s[3] == "closed" ? CaseStatus.Closed : CaseStatus.Open, purpose, categories, at, until, s[6] == "justified");
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcess"));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        }
    }
}
