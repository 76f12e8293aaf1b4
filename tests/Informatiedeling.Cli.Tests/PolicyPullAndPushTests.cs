using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Informatiedeling.Testing;

namespace Informatiedeling.Cli.Tests;

/// <summary>The real hub started as a process in Development, shared by the pull and push tests; tokens from its development issuer.</summary>
public sealed class PolicyHubFixture : IAsyncLifetime
{
    public const string FunctionalAdministrator = "functioneel-beheerder";

    public HubProcess Hub { get; private set; } = null!;

    public string AdminToken { get; private set; } = null!;

    public string AdminTokenFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, TimeSpan.FromSeconds(90));
        AdminToken = await TokenAsync("zvh", "fb-cli", FunctionalAdministrator);
        AdminTokenFile = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-token-").FullName, "token");
        await File.WriteAllTextAsync(AdminTokenFile, AdminToken + "\n");
    }

    public async Task DisposeAsync() => await Hub.DisposeAsync();

    public async Task<string> TokenAsync(string partner, string user, string? function)
    {
        using var http = new HttpClient { BaseAddress = Hub.BaseAddress };
        using var response = await http.PostAsJsonAsync("dev/token", new { partner, user, function });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A policy route as the functional administrator.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = Hub.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Authorization = new("Bearer", AdminToken);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>
/// <c>infodeel policy pull</c> and <c>infodeel policy push</c> against the real hub: pull writes exactly the version in
/// force; an edited folder becomes an open proposal the hub shows, and nothing is activated; a broken folder is refused
/// at file, line and column with no proposal made; no token, a wrong token, a caller who is not a functional
/// administrator, an unreachable or failing hub, a non-empty folder and a hostile file name each stop with one clear line.
/// </summary>
public sealed class PolicyPullAndPushTests(PolicyHubFixture fixture) : IClassFixture<PolicyHubFixture>
{
    private string HubUrl => fixture.Hub.BaseAddress.ToString();

    [Fact]
    public async Task Pull_writes_exactly_the_policy_files_and_tests_of_the_version_in_force_and_names_the_convenant()
    {
        var folder = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-pull-").FullName, "policies");

        var result = await Pull("--out", folder);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var active = await fixture.GetAsync("/policy/versions/active");
        var expected = active.GetProperty("files").EnumerateObject().Where(f => f.Name != "convenant.yaml")
            .Concat(active.GetProperty("tests").EnumerateObject())
            .ToDictionary(f => f.Name, f => f.Value.GetString()!);
        Assert.Contains("tests/roles.yaml", expected.Keys);
        Assert.Equal(expected.OrderBy(f => f.Key, StringComparer.Ordinal), Written(folder).OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(folder, "convenant.yaml")));
        Assert.Equal(
            Directory.EnumerateFiles(RepositoryPaths.Policies, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var hash = active.GetProperty("contentHash").GetString()!;
        Assert.Contains($"pulled policy version {hash} (in force)", result.Output, StringComparison.Ordinal);
        var convenant = await fixture.GetAsync("/policy/active");
        Assert.Contains(
            $"convenant: {convenant.GetProperty("convenantId").GetString()} version {convenant.GetProperty("convenantVersion").GetString()}, the partners' signed convenant",
            result.Output, StringComparison.Ordinal);

        // The version by its hash is the same files.
        var byHash = Path.Combine(Path.GetDirectoryName(folder)!, "by-hash");
        Assert.Equal(0, (await Pull("--out", byHash, "--version", hash)).ExitCode);
        Assert.Equal(Written(folder).OrderBy(f => f.Key, StringComparer.Ordinal), Written(byHash).OrderBy(f => f.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pull_refuses_a_folder_that_is_not_empty_unless_forced_and_then_leaves_only_the_version_s_policy_files()
    {
        var folder = TestRun.CreateTempSubdirectory("infodeel-pull-full-").FullName;
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(folder, "retention.yaml"), "# my own edit");
        File.WriteAllText(Path.Combine(folder, "old-rules.yaml"), "# not in the version");

        var refused = await Pull("--out", folder);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"infodeel: policy pull: {folder} is not empty; pull into a new folder, or pass --force to replace its policy files and tests\n", refused.Error);
        Assert.Equal("# my own edit", File.ReadAllText(Path.Combine(folder, "retention.yaml")));
        Assert.False(File.Exists(Path.Combine(folder, "purposes.yaml")));

        var forced = await Pull("--out", folder, "--force");

        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Contains("removed old-rules.yaml: not in this version", forced.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "old-rules.yaml")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.Equal(Reference("retention.yaml"), File.ReadAllText(Path.Combine(folder, "retention.yaml")));
    }

    [Fact]
    public async Task Push_of_an_edited_folder_makes_an_open_proposal_the_hub_shows_and_activates_nothing()
    {
        var folder = await PulledAsync();
        var retention = Path.Combine(folder, "retention.yaml");
        var edited = File.ReadAllText(retention).Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 60", StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllText(retention), edited);
        File.WriteAllText(retention, edited);
        var before = (await fixture.GetAsync("/policy/active")).GetProperty("contentHash").GetString()!;

        var result = await Push("--title", "Exceptioneel korter bewaren", "--policies", folder);

        Assert.True(result.ExitCode == 0, result.Error + result.Output + fixture.Hub.Output);
        Assert.Matches(@"^lint: ok, policy set [0-9a-f]{12} under the hub's convenant \S+ \S+; \d+ tests passed\n", result.Output);
        var id = System.Text.RegularExpressions.Regex.Match(result.Output, @"proposal (\d+) \(revision 1\): open, version [0-9a-f]{12} on ([0-9a-f]{12})").Groups[1].Value;
        Assert.True(id.Length > 0, result.Output);
        Assert.Contains("widens: no\n", result.Output, StringComparison.Ordinal);
        Assert.Contains($"page: {HubUrl}beleid/voorstellen/{id}\n", result.Output, StringComparison.Ordinal);

        var shown = await fixture.GetAsync($"/policy/proposals/{id}");
        var proposal = shown.GetProperty("proposal");
        Assert.Equal(("open", "Exceptioneel korter bewaren", before, false), (
            proposal.GetProperty("status").GetString(), proposal.GetProperty("title").GetString(),
            proposal.GetProperty("baseHash").GetString(), proposal.GetProperty("widens").GetBoolean()));
        Assert.Equal(("zvh", "fb-cli"), (proposal.GetProperty("author").GetProperty("partner").GetString(), proposal.GetProperty("author").GetProperty("user").GetString()));
        Assert.Equal(edited, shown.GetProperty("files").GetProperty("retention.yaml").GetString());
        var change = Assert.Single(shown.GetProperty("diff").GetProperty("changes").EnumerateArray());
        Assert.Equal("retention", change.GetProperty("section").GetString());
        Assert.Equal("retention.yaml", Assert.Single(shown.GetProperty("textDiff").EnumerateArray()).GetProperty("path").GetString());

        // Four eyes happen in the hub: the rules in force are what they were.
        Assert.Equal(before, (await fixture.GetAsync("/policy/active")).GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task Push_of_a_folder_without_a_file_of_the_version_proposes_its_removal()
    {
        var folder = await PulledAsync();
        var test = Directory.EnumerateFiles(Path.Combine(folder, "tests"), "*.yaml").Order(StringComparer.Ordinal).First();
        var renamed = Path.Combine(Path.GetDirectoryName(test)!, "hernoemd-" + Path.GetFileName(test));
        File.Move(test, renamed);
        // Tests alone make no new version: the rules change too.
        var retention = Path.Combine(folder, "retention.yaml");
        File.WriteAllText(retention, File.ReadAllText(retention).Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 45", StringComparison.Ordinal));

        var result = await Push("--title", "Een test hernoemd", "--policies", folder);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var name = "tests/" + Path.GetFileName(test);
        Assert.Contains($"removes {name}\n", result.Output, StringComparison.Ordinal);
        var id = System.Text.RegularExpressions.Regex.Match(result.Output, @"proposal (\d+) ").Groups[1].Value;
        var files = (await fixture.GetAsync($"/policy/proposals/{id}")).GetProperty("files");
        Assert.False(files.TryGetProperty(name, out _));
        Assert.Equal(File.ReadAllText(renamed), files.GetProperty("tests/" + Path.GetFileName(renamed)).GetString());
    }

    [Fact]
    public async Task Push_of_a_broken_folder_prints_file_line_and_column_exits_1_and_proposes_nothing()
    {
        var folder = await PulledAsync();
        var purposes = Path.Combine(folder, "purposes.yaml");
        File.WriteAllText(purposes, File.ReadAllText(purposes).Replace("partners: [investigative]", "partners: [investigativ]", StringComparison.Ordinal));
        var before = (await fixture.GetAsync("/policy/proposals")).GetProperty("proposals").GetArrayLength();

        var result = await Push("--title", "Een tikfout", "--policies", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"(^|/)policies/purposes\.yaml:\d+:\d+: error PL024: unknown partner 'investigativ'; did you mean 'investigative'\?", result.Error);
        Assert.Contains("policy push: refused before sending, 1 problem(s); nothing was proposed", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
        Assert.Equal(before, (await fixture.GetAsync("/policy/proposals")).GetProperty("proposals").GetArrayLength());
    }

    [Fact]
    public async Task Push_of_a_failing_policy_test_prints_the_test_s_position_and_proposes_nothing()
    {
        var folder = await PulledAsync();
        File.WriteAllText(Path.Combine(folder, "tests", "fout.yaml"), """
            tests:
              - name: zorgcoordinatie krijgt strafrechtelijk (fout verwacht)
                request: { partner: zorgcoordinatie, role: R, step: uitvoering, caseStatus: open, purpose: zorgcoordinatie, categories: [strafrechtelijk] }
                expect: { permit: [strafrechtelijk], deny: [] }
            """);
        var before = (await fixture.GetAsync("/policy/proposals")).GetProperty("proposals").GetArrayLength();

        var result = await Push("--title", "Een foute test", "--policies", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"tests/fout\.yaml:2:5: FAIL zorgcoordinatie krijgt strafrechtelijk \(fout verwacht\): 'strafrechtelijk': expected permit, got deny", result.Error);
        Assert.Equal(before, (await fixture.GetAsync("/policy/proposals")).GetProperty("proposals").GetArrayLength());
    }

    [Fact]
    public async Task Push_of_the_version_in_force_unchanged_proposes_nothing()
    {
        var folder = await PulledAsync();

        var result = await Push("--title", "Niets", "--policies", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("infodeel: policy push: nothing to propose: the folder holds version ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_pull_and_push_stop_before_asking_the_hub()
    {
        var folder = await PulledAsync();

        var push = await Infodeel.RunWithEnvironmentAsync(new Dictionary<string, string>(), "policy", "push", "--hub", HubUrl, "--title", "x", "--policies", folder);
        var pull = await Infodeel.RunWithEnvironmentAsync(new Dictionary<string, string> { ["INFODEEL_TOKEN"] = "  " }, "policy", "pull", "--hub", HubUrl, "--out", folder + "-2");
        var missingFile = await Infodeel.RunWithEnvironmentAsync(new Dictionary<string, string>(), "policy", "pull", "--hub", HubUrl, "--token-file", folder + "/no-such-token", "--out", folder + "-3");

        Assert.Equal((1, "infodeel: policy push: no token: set INFODEEL_TOKEN to a functional administrator's access token, or pass --token-file PATH\n"), (push.ExitCode, push.Error));
        Assert.Equal((1, "infodeel: policy pull: no token: set INFODEEL_TOKEN to a functional administrator's access token, or pass --token-file PATH\n"), (pull.ExitCode, pull.Error));
        Assert.Equal(1, missingFile.ExitCode);
        Assert.StartsWith("infodeel: policy pull: cannot read the token file ", missingFile.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder + "-2"));

        // There is no option that takes the token itself.
        var onTheCommandLine = await Infodeel.RunAsync("", "policy", "pull", "--hub", HubUrl, "--token", fixture.AdminToken);
        Assert.Equal(2, onTheCommandLine.ExitCode);
        Assert.Contains("'--token'", onTheCommandLine.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_from_INFODEEL_TOKEN_is_used()
    {
        var folder = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-pull-env-").FullName, "policies");

        var result = await Infodeel.RunWithEnvironmentAsync(new Dictionary<string, string> { ["INFODEEL_TOKEN"] = fixture.AdminToken }, "policy", "pull", "--hub", HubUrl, "--out", folder);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(Path.Combine(folder, "purposes.yaml")));
    }

    [Fact]
    public async Task A_caller_who_is_not_a_functional_administrator_or_a_token_the_hub_does_not_accept_is_told_so()
    {
        var folder = await PulledAsync();
        var retention = Path.Combine(folder, "retention.yaml");
        File.WriteAllText(retention, File.ReadAllText(retention).Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 30", StringComparison.Ordinal));
        var partner = await fixture.TokenAsync("zvh", "medewerker-1", null);
        var officer = await fixture.TokenAsync("zvh", "fg-1", "privacy-officer");

        var notAdmin = await WithToken(partner, "policy", "push", "--hub", HubUrl, "--title", "x", "--policies", folder);
        var notAdminPulls = await WithToken(partner, "policy", "pull", "--hub", HubUrl, "--out", folder + "-partner");
        var officerPulls = await WithToken(officer, "policy", "pull", "--hub", HubUrl, "--out", folder + "-officer");
        var officerPushes = await WithToken(officer, "policy", "push", "--hub", HubUrl, "--title", "x", "--policies", folder);
        var forged = await WithToken(fixture.AdminToken[..^4] + "AAAA", "policy", "pull", "--hub", HubUrl, "--out", folder + "-forged");

        Assert.Equal(1, notAdmin.ExitCode);
        Assert.True(notAdminPulls.ExitCode == 1, notAdminPulls.Output + notAdminPulls.Error);
        Assert.StartsWith($"infodeel: policy pull: the hub at {HubUrl} refused (403): the token is not a functional administrator's", notAdminPulls.Error, StringComparison.Ordinal);
        Assert.StartsWith($"infodeel: policy push: the hub at {HubUrl} refused (403): the token is not a functional administrator's (function 'functioneel-beheerder')", notAdmin.Error, StringComparison.Ordinal);
        // The privacy officer reads the versions, but proposing is the functional administrator's.
        Assert.True(officerPulls.ExitCode == 0, officerPulls.Error);
        Assert.Equal(1, officerPushes.ExitCode);
        Assert.StartsWith($"infodeel: policy push: the hub at {HubUrl} refused (403): the token is not a functional administrator's", officerPushes.Error, StringComparison.Ordinal);
        Assert.Equal(1, forged.ExitCode);
        Assert.Equal($"infodeel: policy pull: the hub at {HubUrl} did not accept the token (401): it is missing, expired or not from an issuer the hub trusts; get a new one\n", forged.Error);
        Assert.False(Directory.Exists(folder + "-forged"));
    }

    [Fact]
    public async Task An_unreachable_hub_a_failing_hub_and_plain_http_to_another_machine_are_one_clear_line()
    {
        var port = FreePort();
        var unreachable = await Pull("--hub", $"http://127.0.0.1:{port}/", "--out", Path.Combine(Path.GetTempPath(), $"infodeel-never-{port}"));
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith($"infodeel: policy pull: cannot reach the hub at http://127.0.0.1:{port}/: ", unreachable.Error, StringComparison.Ordinal);
        Assert.Single(unreachable.Error.TrimEnd('\n').Split('\n'));

        await using (var failing = FakeHub.Start(HttpStatusCode.ServiceUnavailable, """{"title":"Service unavailable","detail":"The database does not answer."}"""))
        {
            var result = await Push("--hub", failing.Address, "--title", "x", "--policies", RepositoryPaths.Policies);
            Assert.Equal((1, $"infodeel: policy push: the hub at {failing.Address} is not available now (503): Service unavailable: The database does not answer.; try again later\n"), (result.ExitCode, result.Error));
        }

        await using (var broken = FakeHub.Start(HttpStatusCode.InternalServerError, "<html>oops</html>"))
        {
            var result = await Pull("--hub", broken.Address, "--out", Path.Combine(Path.GetTempPath(), $"infodeel-never-{port}"));
            Assert.Equal((1, $"infodeel: policy pull: the hub at {broken.Address} failed (500); try again later, or ask its operator to look at the hub's log\n"), (result.ExitCode, result.Error));
        }

        var plain = await Pull("--hub", "http://hub.example.nl/", "--out", "x");
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("plain http to another machine; the token goes there over https only", plain.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escaped.yaml")]
    [InlineData("sub/dir.yaml")]
    [InlineData("..")]
    [InlineData("tests/../../escaped.yaml")]
    [InlineData("/tmp/absolute.yaml")]
    [InlineData("Purposes.YAML")]
    public async Task Pull_refuses_a_file_name_from_the_hub_that_is_not_a_plain_policy_file_name_and_writes_nothing(string name)
    {
        var files = new Dictionary<string, string> { ["convenant.yaml"] = "x", ["purposes.yaml"] = "purposes: []\n", [name] = "pwned\n" };
        await using var hub = FakeHub.Start(HttpStatusCode.OK, JsonSerializer.Serialize(new { contentHash = new string('a', 64), files, tests = new Dictionary<string, string>() }));
        var root = TestRun.CreateTempSubdirectory("infodeel-pull-names-").FullName;
        var folder = Path.Combine(root, "a", "policies");

        var result = await Pull("--hub", hub.Address, "--out", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused the file name", result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was written", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
        Assert.Empty(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories));
        Assert.False(File.Exists("/tmp/absolute.yaml"));
    }

    [Fact]
    public async Task Pull_refuses_files_that_do_not_hash_to_the_version_the_hub_named()
    {
        var active = await fixture.GetAsync("/policy/versions/active");
        var files = active.GetProperty("files").Deserialize<Dictionary<string, string>>()!;
        files["retention.yaml"] += "# changed on the way\n";
        await using var hub = FakeHub.Start(HttpStatusCode.OK, JsonSerializer.Serialize(new { contentHash = active.GetProperty("contentHash").GetString(), files, tests = active.GetProperty("tests") }));
        var folder = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-pull-hash-").FullName, "policies");

        var result = await Pull("--hub", hub.Address, "--out", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("do not hash to its version", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_proposal_the_hub_refuses_prints_each_of_its_problems_as_file_line_and_column()
    {
        var active = await fixture.GetAsync("/policy/versions/active");
        var refusal = JsonSerializer.Serialize(new
        {
            status = 400,
            title = "The proposal does not validate",
            problems = new[] { "retention.yaml:3:9: error PL031: too long", "tests/:1:1: error PT002: rule 'x' decides no test; add a test for it" },
        });
        await using var hub = FakeHub.Start(method => method == "GET" ? (HttpStatusCode.OK, active.GetRawText()) : (HttpStatusCode.BadRequest, refusal));
        var folder = await PulledAsync();
        var retention = Path.Combine(folder, "retention.yaml");
        File.WriteAllText(retention, File.ReadAllText(retention).Replace("category: exceptioneel, days: 90", "category: exceptioneel, days: 45", StringComparison.Ordinal));

        var result = await Push("--hub", hub.Address, "--title", "x", "--policies", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "retention.yaml:3:9: error PL031: too long\ntests/:1:1: error PT002: rule 'x' decides no test; add a test for it\n" +
            "policy push: the hub refused the proposal: The proposal does not validate\n",
            result.Error);
        Assert.DoesNotContain("proposal ", result.Output.Replace("lint: ok", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private Task<ProgramResult> Pull(params string[] args) =>
        WithTokenFile([.. args.Contains("--hub") ? [] : new[] { "--hub", HubUrl }, "--token-file", fixture.AdminTokenFile, .. args], "policy", "pull");

    private Task<ProgramResult> Push(params string[] args) =>
        WithTokenFile([.. args.Contains("--hub") ? [] : new[] { "--hub", HubUrl }, "--token-file", fixture.AdminTokenFile, .. args], "policy", "push");

    /// <summary>The administrator's token from a file, and no token in the environment.</summary>
    private static Task<ProgramResult> WithTokenFile(string[] args, params string[] command) =>
        Infodeel.RunWithEnvironmentAsync(new Dictionary<string, string>(), [.. command, .. args]);

    private static Task<ProgramResult> WithToken(string token, params string[] args) =>
        Infodeel.RunWithEnvironmentAsync(new Dictionary<string, string> { ["INFODEEL_TOKEN"] = token }, args);

    private async Task<string> PulledAsync()
    {
        var folder = Path.Combine(TestRun.CreateTempSubdirectory("infodeel-pushed-").FullName, "policies");
        var pulled = await Pull("--out", folder);
        Assert.True(pulled.ExitCode == 0, pulled.Error);
        return folder;
    }

    private static Dictionary<string, string> Written(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);

    private static string Reference(string name) => File.ReadAllText(Path.Combine(RepositoryPaths.Policies, name)).ReplaceLineEndings("\n");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A stand-in for a hub on a loopback port that answers each request by its method (GET, POST) with a status and body.</summary>
internal sealed class FakeHub : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _serving;
    private readonly CancellationTokenSource _stop = new();

    private FakeHub(Func<string, (HttpStatusCode Status, string Body)> answer)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _serving = ServeAsync(answer, _stop.Token);
    }

    public string Address { get; }

    public static FakeHub Start(HttpStatusCode status, string body) => new(_ => (status, body));

    public static FakeHub Start(Func<string, (HttpStatusCode Status, string Body)> answer) => new(answer);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync(Func<string, (HttpStatusCode Status, string Body)> answer, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
            var stream = client.GetStream();
            var received = new List<byte>();
            var buffer = new byte[8192];
            int headEnd;
            while ((headEnd = HeadEnd(received)) < 0)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                received.AddRange(buffer.AsSpan(0, read));
            }

            // The client's body is read to its end, so that the answer does not cut off a request still being sent.
            var head = Encoding.ASCII.GetString([.. received[..Math.Max(headEnd, 0)]]);
            var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var bodyReceived = received.Count - headEnd - 4;
            while (headEnd >= 0 && bodyReceived < length)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                bodyReceived += read;
            }

            var (status, body) = answer(head.Split(' ')[0]);
            var content = Encoding.UTF8.GetBytes(body);
            var answerHead = $"HTTP/1.1 {(int)status} {status}\r\nContent-Type: {(body.StartsWith('<') ? "text/html" : "application/json")}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answerHead), cancellationToken);
            await stream.WriteAsync(content, cancellationToken);
        }
    }

    private static int HeadEnd(List<byte> received)
    {
        for (var i = 0; i + 3 < received.Count; i++)
        {
            if (received[i] == '\r' && received[i + 1] == '\n' && received[i + 2] == '\r' && received[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
