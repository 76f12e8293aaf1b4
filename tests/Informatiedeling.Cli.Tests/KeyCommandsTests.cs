namespace Informatiedeling.Cli.Tests;

/// <summary><c>infodeel keys rotate</c> on the embedded store: a new key-encryption key each time, resumable.</summary>
public sealed class KeyCommandsTests
{
    [Fact]
    public async Task Rotate_makes_a_new_key_encryption_key_current_and_resume_finds_nothing_left()
    {
        var data = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-keys-").FullName;
        Assert.Equal(0, (await Infodeel.RunAsync("", "db", "migrate", "--provider", "sqlite", "--data", data)).ExitCode);

        var first = await Infodeel.RunAsync("", "keys", "rotate", "--provider", "sqlite", "--data", data);
        var second = await Infodeel.RunAsync("", "keys", "rotate", "--provider", "sqlite", "--data", data);
        var resume = await Infodeel.RunAsync("", "keys", "rotate", "--resume", "--provider", "sqlite", "--data", data);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        var kek1 = System.Text.RegularExpressions.Regex.Match(first.Output, "key-encryption key ([0-9a-f]{32}) is current").Groups[1].Value;
        var kek2 = System.Text.RegularExpressions.Regex.Match(second.Output, "key-encryption key ([0-9a-f]{32}) is current").Groups[1].Value;
        Assert.NotEqual("", kek1);
        Assert.NotEqual(kek1, kek2);
        Assert.Contains("1 key(s) re-wrapped", second.Output, StringComparison.Ordinal); // the blind-index secret
        Assert.Contains($"key-encryption key {kek2} is current; 0 key(s) re-wrapped", resume.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_case_refuses_a_malformed_pseudonym()
    {
        var data = Informatiedeling.Testing.TestRun.CreateTempSubdirectory("infodeel-keys-").FullName;
        var result = await Infodeel.RunAsync("", "keys", "rotate-case", "--case", "42", "--category", "statisch", "--provider", "sqlite", "--data", data);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--case must be a case pseudonym", result.Error, StringComparison.Ordinal);
    }
}
