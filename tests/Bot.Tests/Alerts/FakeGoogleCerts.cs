using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Alerts;

/// <summary>
/// Google's OIDC signing keys as a JWKS document (the shape of <c>https://www.googleapis.com/oauth2/v3/certs</c>) on a
/// loopback port, for a key the test made; and ID tokens signed with it, as Pub/Sub puts on a push.
/// </summary>
public sealed class FakeGoogleCerts : IAsyncDisposable
{
    public const string KeyId = "test-oidc-key-1";
    private readonly WebApplication _server;

    private FakeGoogleCerts(WebApplication server) => _server = server;

    public RSA Key { get; } = RSA.Create(2048);
    public Uri CertsUrl { get; private set; } = null!;
    public int Fetches { get; private set; }

    public static async Task<FakeGoogleCerts> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeGoogleCerts(app);
        app.MapGet("/oauth2/v3/certs", () =>
        {
            fake.Fetches++;
            var p = fake.Key.ExportParameters(false);
            return Results.Text(new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA", ["alg"] = "RS256", ["use"] = "sig", ["kid"] = KeyId,
                    ["n"] = WebEncoders.Base64UrlEncode(p.Modulus!), ["e"] = WebEncoders.Base64UrlEncode(p.Exponent!),
                }),
            }.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake.CertsUrl = new Uri(url + "/oauth2/v3/certs");
        return fake;
    }

    /// <summary>An ID token as Pub/Sub signs it for a push: issuer accounts.google.com, the audience, the service account's email.</summary>
    public string IdToken(string audience, string email, TimeSpan? age = null, RSA? key = null)
    {
        var issued = DateTimeOffset.UtcNow - (age ?? TimeSpan.Zero);
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = KeyId, ["typ"] = "JWT" };
        var claims = new JsonObject
        {
            ["iss"] = "https://accounts.google.com", ["aud"] = audience, ["azp"] = "112233445566778899000", ["sub"] = "112233445566778899000",
            ["email"] = email, ["email_verified"] = true, ["iat"] = issued.ToUnixTimeSeconds(), ["exp"] = issued.AddHours(1).ToUnixTimeSeconds(),
        };
        var signed = $"{Part(header)}.{Part(claims)}";
        var signature = (key ?? Key).SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{WebEncoders.Base64UrlEncode(signature)}";
    }

    private static string Part(JsonObject o) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(o.ToJsonString()));

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        Key.Dispose();
    }
}
