using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Bot.Tests.Targets.CloudRun;

/// <summary>Google's OAuth token endpoint for service accounts: a JWT-bearer grant, signed RS256 with the account's key, for the cloud-platform scope.</summary>
public sealed partial class FakeGoogleCloud
{
    private async Task TokenAsync(HttpContext context, string form)
    {
        var fields = QueryHelpers.ParseQuery(form);
        var problem = TokenProblem(fields.GetValueOrDefault("grant_type").ToString(), fields.GetValueOrDefault("assertion").ToString());
        if (problem is not null)
        {
            Violation($"POST /token: {problem}");
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = "invalid_grant", ["error_description"] = problem });
            return;
        }
        var token = "ya29.test-" + Guid.NewGuid().ToString("N");
        lock (_gate) _tokens.Add(token);
        await WriteJsonAsync(context, 200, new JsonObject { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" });
    }

    private string? TokenProblem(string grant, string assertion)
    {
        if (grant != "urn:ietf:params:oauth:grant-type:jwt-bearer") return $"grant_type is '{grant}'";
        var parts = assertion.Split('.');
        if (parts.Length != 3) return "the assertion is not a JWT";
        var header = JsonNode.Parse(Base64Url(parts[0]))!;
        if (header["alg"]?.GetValue<string>() != "RS256") return "the JWT is not RS256";
        if (!Key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return "the JWT's signature is not the service account's key";
        var claims = JsonNode.Parse(Base64Url(parts[1]))!;
        if (claims["iss"]?.GetValue<string>() != ClientEmail) return $"iss is {claims["iss"]}";
        // Google wants its own token URL as the audience, wherever the grant is sent.
        if (claims["aud"]?.GetValue<string>() != "https://oauth2.googleapis.com/token") return $"aud is {claims["aud"]}";
        if (claims["scope"]?.GetValue<string>()?.Split(' ').Contains("https://www.googleapis.com/auth/cloud-platform") != true) return $"scope is {claims["scope"]}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (claims["exp"]?.GetValue<long>() is not { } exp || exp < now || exp - claims["iat"]!.GetValue<long>() > 3600) return "exp is missing, past or more than an hour after iat";
        return null;
    }

    private static byte[] Base64Url(string s) => WebEncoders.Base64UrlDecode(s);
}
