using System.CommandLine;
using System.Net;

namespace Informatiedeling.Cli.Policy.Hub;

/// <summary>
/// <c>--hub</c> and <c>--token-file</c>: which hub, and the functional administrator's bearer token, from
/// <c>INFODEEL_TOKEN</c> or a file. Never an option holding the token itself, which would land in the shell's history.
/// </summary>
internal sealed class HubConnection(Func<string, string?> environment)
{
    public const string TokenVariable = "INFODEEL_TOKEN";

    public Option<Uri> Hub { get; } = new("--hub")
    {
        Description = "The hub's address, e.g. https://hub.example.nl/ (http only to this machine).",
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                result.AddError($"--hub: '{text}' is not an http(s) address");
                return null;
            }

            // A bearer token over plain http can be read by anyone on the way; only a hub on this machine is spared https.
            if (uri.Scheme == "http" && !IsLoopback(uri))
            {
                result.AddError($"--hub: '{text}' is plain http to another machine; the token goes there over https only");
                return null;
            }

            return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        },
    };

    public Option<FileInfo?> TokenFile { get; } = new("--token-file")
    {
        Description = $"A file holding the functional administrator's access token (default: the environment variable {TokenVariable}).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Hub);
        command.Options.Add(TokenFile);
    }

    /// <summary>A client for the hub with the token; a missing or empty token stops here, before anything is sent.</summary>
    /// <exception cref="HubRefusedException">No token, or the token file cannot be read.</exception>
    public HubPolicyClient Connect(ParseResult parse)
    {
        var hub = parse.GetValue(Hub)!;
        var token = Token(parse.GetValue(TokenFile));
        return new HubPolicyClient(hub, token);
    }

    private string Token(FileInfo? file)
    {
        string? token;
        if (file is not null)
        {
            try
            {
                token = File.ReadAllText(file.FullName).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HubRefusedException($"cannot read the token file {file.FullName}: {e.Message}");
            }

            if (token.Length == 0)
            {
                throw new HubRefusedException($"the token file {file.FullName} is empty");
            }
        }
        else
        {
            token = environment(TokenVariable)?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                throw new HubRefusedException($"no token: set {TokenVariable} to a functional administrator's access token, or pass --token-file PATH");
            }
        }

        // One token, one line: whitespace inside means the file holds something else (and would break the header).
        return token.Any(char.IsWhiteSpace) || token.Any(char.IsControl)
            ? throw new HubRefusedException("the token holds white space or control characters: give the access token alone")
            : token;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
