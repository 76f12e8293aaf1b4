using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Informatiedeling.AccessLog.Checkpoints;
using Informatiedeling.AccessLog.Merkle;
using Informatiedeling.Cli.Database;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Cli.AccessLog;

/// <summary><c>infodeel log verify|checkpoint|proof</c>: the access log's integrity, for operators and outside witnesses.</summary>
internal static class LogCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var storage = new StorageOptions(StorageNeeds.ExistingDatabase);
        var signingKey = new Option<string?>("--signing-key") { Description = "The checkpoint signing key (default: AccessLog__SigningKeyPath, else in the data folder)." };
        var verifierKey = new Option<string?>("--verifier-key") { Description = "Verify with this verifier key (name+keyid+key) instead of the signing key." };
        var origin = new Option<string?>("--origin") { Description = "The log's origin line (default: AccessLog__Origin, else the hub's default)." };

        var kept = new Option<FileInfo[]>("--checkpoint") { Description = "A signed checkpoint kept outside the database (repeatable): the log must still hold it.", AllowMultipleArgumentsPerToken = false };
        var verify = new Command("verify", "Recompute the whole log: seq, leaf hashes, tree, stored and kept checkpoints. Names the first record that does not match; exit 1 then.") { kept };
        var outFile = new Option<FileInfo?>("--out") { Description = "Also write the signed checkpoint to this file." };
        var checkpoint = new Command("checkpoint", "Print the latest signed checkpoint (issuing one when the log grew) and the verifier key.") { outFile };
        var seq = new Option<long>("--seq") { Description = "The record's seq.", Required = true };
        var proof = new Command("proof", "Print an inclusion proof of one record in the latest checkpoint.") { seq };
        foreach (var command in new[] { verify, checkpoint, proof })
        {
            storage.AddTo(command);
            command.Options.Add(signingKey);
            command.Options.Add(origin);
        }

        verify.Options.Add(verifierKey);

        verify.SetAction(async (parse, ct) => await WithLogAsync(storage, parse, signingKey, origin, error, async (services, settings) =>
        {
            using var verifier = CheckpointKeyFile.Verifier(settings, parse.GetValue(verifierKey));
            var notes = new List<string>();
            foreach (var file in parse.GetValue(kept) ?? [])
            {
                notes.Add(await File.ReadAllTextAsync(file.FullName, ct));
            }

            var result = await new AccessLogVerifier(services.GetRequiredService<AccessLogStore>(), verifier).VerifyAsync(notes, ct);
            if (!result.Verified)
            {
                await error.WriteLineAsync($"infodeel: log verification FAILED: {result.Message}");
                return 1;
            }

            await output.WriteLineAsync($"log verified: {result.Message}");
            return 0;
        }));

        checkpoint.SetAction(async (parse, ct) => await WithLogAsync(storage, parse, signingKey, origin, error, async (services, settings) =>
        {
            RequireSigningKey(settings);
            var issuer = services.GetRequiredService<CheckpointIssuer>();
            var (latest, _) = await issuer.IssueAsync(ct);
            if (parse.GetValue(outFile) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, latest.Note, ct);
            }

            await output.WriteAsync(latest.Note);
            await output.WriteLineAsync($"verifier key: {issuer.VerifierKey}");
            return 0;
        }));

        proof.SetAction(async (parse, ct) => await WithLogAsync(storage, parse, signingKey, origin, error, async (services, settings) =>
        {
            RequireSigningKey(settings);
            var store = services.GetRequiredService<AccessLogStore>();
            var (latest, _) = await services.GetRequiredService<CheckpointIssuer>().IssueAsync(ct);
            var n = parse.GetValue(seq);
            if (n < 0 || n >= latest.Size)
            {
                await error.WriteLineAsync($"infodeel: record {n.ToString(CultureInfo.InvariantCulture)} is not in the latest checkpoint (size {latest.Size.ToString(CultureInfo.InvariantCulture)})");
                return 1;
            }

            var source = await store.ReadLeafHashesAsync(latest.Size, ct);
            var leafHash = new byte[MerkleHash.Size];
            source.GetLeafHash(n, leafHash);
            var path = InclusionProof.Create(n, latest.Size, source);
            if (!InclusionProof.Verify(n, latest.Size, leafHash, path, latest.Root))
            {
                await error.WriteLineAsync("infodeel: the stored leaf hashes do not lead to the checkpoint's root; run 'infodeel log verify'");
                return 1;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                seq = n,
                treeSize = latest.Size,
                leafHash = Convert.ToBase64String(leafHash),
                rootHash = Convert.ToBase64String(latest.Root),
                inclusionPath = path.Select(Convert.ToBase64String).ToArray(),
                checkpoint = latest.Note,
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));

        var reportFile = new Argument<FileInfo>("report") { Description = "The report as GET or POST /access-log/subject-report gave it (JSON)." };
        var reportKey = new Option<string?>("--verifier-key") { Description = "The log's verifier key (name+keyid+key), as 'infodeel log checkpoint' prints it." };
        var verifyReport = new Command("verify-report", "Verify a data subject's report without the database: the checkpoint's signature, each inclusion proof, and where the report carries leaves that every shown field is the record's. Names the first failure; exit 1 then.")
        {
            reportFile, reportKey, signingKey, origin,
        };
        verifyReport.SetAction(async (parse, ct) =>
        {
            var settings = AccessLogSettings.Resolve(
                Path.GetTempPath(),
                parse.GetValue(signingKey) ?? Environment.GetEnvironmentVariable("AccessLog__SigningKeyPath"),
                null,
                parse.GetValue(origin) ?? Environment.GetEnvironmentVariable("AccessLog__Origin"));
            string json;
            CheckpointVerifier verifier;
            try
            {
                json = await File.ReadAllTextAsync(parse.GetValue(reportFile)!.FullName, ct);
                verifier = CheckpointKeyFile.Verifier(settings, parse.GetValue(reportKey));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 2;
            }

            using (verifier)
            {
                var verdict = SubjectReportVerifier.Verify(json, verifier);
                if (!verdict.Verified)
                {
                    await error.WriteLineAsync($"infodeel: report verification FAILED: {verdict.Message}");
                    return 1;
                }

                await output.WriteLineAsync($"report verified: {verdict.Message}");
                return 0;
            }
        });

        var keyFile = new Option<FileInfo>("--out") { Description = "Where to write the PEM; refused when the file exists.", Required = true };
        var createKey = new Command("create-signing-key", "Create the checkpoint signing key (PEM, P-256) and print its verifier key.") { keyFile };
        createKey.SetAction(async (parse, _) =>
        {
            var path = parse.GetValue(keyFile)!.FullName;
            string verifier;
            try
            {
                verifier = CheckpointKeyFile.Create(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 1;
            }

            await output.WriteLineAsync($"created checkpoint signing key {path}; set AccessLog:SigningKeyPath to it on every hub instance");
            await output.WriteLineAsync($"verifier key: {verifier}");
            return 0;
        });

        return new Command("log", "The access log (toegangslog): verify, export checkpoints, inclusion proofs, verify a data subject's report.") { verify, checkpoint, proof, verifyReport, createKey };
    }

    /// <summary>The tool signs with the hub's key; it must never mint a key of its own, which no witness would trust.</summary>
    private static void RequireSigningKey(AccessLogSettings settings)
    {
        if (!File.Exists(settings.SigningKeyPath))
        {
            throw new FileNotFoundException(
                $"The checkpoint signing key '{settings.SigningKeyPath}' does not exist. Pass the hub's key with --signing-key (or AccessLog__SigningKeyPath).");
        }
    }

    private static async Task<int> WithLogAsync(
        StorageOptions storage, ParseResult parse, Option<string?> signingKey, Option<string?> origin, TextWriter error,
        Func<IServiceProvider, AccessLogSettings, Task<int>> action)
    {
        AccessLogSettings? settings = null;
        var (services, problem) = storage.Build(parse, (collection, storageSettings) =>
        {
            settings = AccessLogSettings.Resolve(
                storageSettings.DataDirectory,
                parse.GetValue(signingKey) ?? Environment.GetEnvironmentVariable("AccessLog__SigningKeyPath"),
                null,
                parse.GetValue(origin) ?? Environment.GetEnvironmentVariable("AccessLog__Origin"));
            collection.AddAccessLog(settings);
        });
        if (services is null || settings is null)
        {
            await error.WriteLineAsync($"infodeel: {problem}");
            return 2;
        }

        await using (services)
        {
            try
            {
                if (await storage.SchemaProblemAsync(services, CancellationToken.None) is { } schema)
                {
                    await error.WriteLineAsync($"infodeel: {schema}");
                    return 1;
                }

                return await action(services, settings);
            }
            catch (StorageUnavailableException e)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 1;
            }
            catch (CheckpointRefusedException e)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}; 'infodeel log verify' names the break");
                return 1;
            }
            catch (Exception e) when (e is FileNotFoundException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 2;
            }
        }
    }
}
