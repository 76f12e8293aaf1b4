using System.CommandLine;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Loading;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Storage.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Cli.Database;

/// <summary><c>infodeel keys rotate</c> (the key-encryption key) and <c>infodeel keys rotate-case</c> (one case's category key).</summary>
internal static class KeyCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        // A rotation makes a new key in the hub's key store; it never makes the store, its database or its certificate.
        var storage = new StorageOptions(StorageNeeds.ExistingKeyStore);
        var resume = new Option<bool>("--resume") { Description = "Only finish an interrupted rotation: re-wrap what is not yet under the current KEK." };
        var batch = new Option<int>("--batch") { Description = "Keys per batch.", DefaultValueFactory = _ => 500 };
        var rotate = new Command("rotate", "Make a new key-encryption key current and re-wrap every data-encryption key under it (field ciphertexts untouched). Safe to interrupt; run again with --resume.")
        {
            resume, batch,
        };
        storage.AddTo(rotate);
        rotate.SetAction(async (parse, ct) => await WithStorageAsync(storage, parse, error, async services =>
        {
            var (kek, count) = await services.GetRequiredService<KekRotation>().RotateAsync(
                parse.GetValue(resume), Math.Max(1, parse.GetValue(batch)), ct, actor: $"operator:{Environment.UserName}");
            await output.WriteLineAsync($"key-encryption key {kek} is current; {count} key(s) re-wrapped");
            return 0;
        }));

        var caseOption = new Option<string>("--case") { Description = "The case pseudonym.", Required = true };
        var category = new Option<string>("--category") { Description = "The data category.", Required = true };
        var policies = new Option<DirectoryInfo?>("--policies") { Description = "The policy folder (for the field catalogue); default beside infodeel." };
        var rotateCase = new Command("rotate-case", "Re-encrypt one case's fields of one category under a new key version. Safe to interrupt; running it again finishes the rotation.")
        {
            caseOption, category, policies, batch,
        };
        storage.AddTo(rotateCase);
        rotateCase.SetAction(async (parse, ct) =>
        {
            if (!CasePseudonym.TryParse(parse.GetValue(caseOption), out var pseudonym))
            {
                await error.WriteLineAsync("infodeel: --case must be a case pseudonym such as cs-0123456789abcdefghjkmnpqrs");
                return 2;
            }

            return await WithStorageAsync(storage, parse, error, async services => await RotateCaseAsync(services, parse, pseudonym, ct));
        });

        async Task<int> RotateCaseAsync(IServiceProvider services, ParseResult parse, CasePseudonym pseudonym, CancellationToken ct)
        {
            var folder = parse.GetValue(policies)?.FullName ?? Path.Combine(AppContext.BaseDirectory, "policies");
            var loaded = await services.GetRequiredService<PolicyVersionStore>().LoadInForceAsync(DateTimeOffset.UtcNow, ct)
                ?? PolicyLoader.LoadFiles(Path.Combine(folder, "..", "convenant", PolicyLoader.ConvenantFileName), folder);
            if (!services.GetRequiredService<PolicyHolder>().TryReplace(loaded))
            {
                await error.WriteLineAsync($"infodeel: the policy set is refused: {loaded.Errors[0]}");
                return 1;
            }

            var moved = await services.GetRequiredService<ClientFileStore>().RotateCategoryKeyAsync(pseudonym, parse.GetValue(category)!, Math.Max(1, parse.GetValue(batch)), ct);
            await output.WriteLineAsync($"{moved} field(s) re-encrypted under the new key of {parse.GetValue(category)}");
            return 0;
        }

        return new Command("keys", "Key management: the key-ring certificate, rotation.") { CreateCertificate(output, error), rotate, rotateCase };
    }

    /// <summary>
    /// <c>infodeel keys create-certificate --out path</c>: the certificate that protects the key ring, made once by the
    /// operator and mounted on every hub instance (the hub outside Development never makes one). The password comes
    /// from <c>Keys__CertificatePassword</c>, as the hub reads it, never from the command line, where other users of
    /// the machine could see it.
    /// </summary>
    private static Command CreateCertificate(TextWriter output, TextWriter error)
    {
        var file = new Option<FileInfo>("--out") { Description = "Where to write the PFX; refused when the file exists.", Required = true };
        var noPassword = new Option<bool>("--no-password") { Description = "Write the PFX without a password (not recommended: anyone who reads the file can unwrap every key)." };
        var command = new Command("create-certificate", "Create the key-ring certificate (PFX, RSA 3072) with the password in Keys__CertificatePassword.") { file, noPassword };
        command.SetAction(async (parse, _) =>
        {
            var path = parse.GetValue(file)!.FullName;
            var password = Environment.GetEnvironmentVariable("Keys__CertificatePassword");
            if (string.IsNullOrEmpty(password) && !parse.GetValue(noPassword))
            {
                await error.WriteLineAsync("infodeel: set Keys__CertificatePassword to the certificate's password (or pass --no-password)");
                return 2;
            }

            try
            {
                new KeyProtectionSettings(path, string.IsNullOrEmpty(password) ? null : password).Create();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"infodeel: {e.Message}");
                return 1;
            }

            await output.WriteLineAsync($"created key-ring certificate {path}{(string.IsNullOrEmpty(password) ? " without a password" : "")}; set Keys:CertificatePath to it on every hub instance");
            return 0;
        });
        return command;
    }

    /// <summary>Opens the hub's key store (its schema current) and runs <paramref name="action"/>.</summary>
    private static Task<int> WithStorageAsync(StorageOptions storage, ParseResult parse, TextWriter error, Func<IServiceProvider, Task<int>> action) =>
        storage.RunAsync(
            parse,
            error,
            async services =>
            {
                await services.OpenKeyStoreAsync(CancellationToken.None);
                return await action(services);
            },
            // Key operations are administrative events: they go into the hub's access log, signed with its key.
            (collection, settings) => collection.AddAccessLog(AccessLogSettings.Resolve(
                settings.DataDirectory, Environment.GetEnvironmentVariable("AccessLog__SigningKeyPath"), null, Environment.GetEnvironmentVariable("AccessLog__Origin"))));
}
