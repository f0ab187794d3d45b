using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MlOps.Build.Tasks.Oci
{
    /// <summary>
    /// The part of the OCI distribution API that MlPush and MlPull use, over <see cref="HttpClient"/>: the /v2/
    /// check and its authentication challenge (Basic, or a Bearer token from the realm the registry names), blob
    /// HEAD, upload (monolithic: POST then PUT ?digest=, up to <see cref="ChunkSize"/>; chunked above: PATCH with
    /// Content-Range, then PUT ?digest=), blob GET with the digest checked while streaming, manifest PUT and GET.
    /// Failures become <see cref="OciException"/>s: MLOPS515 (unreachable, 5xx), MLOPS516 (401, 403), MLOPS517
    /// (digest mismatch), MLOPS519 (the registry refuses what is sent). No message holds a credential or token.
    /// </summary>
    internal sealed class RegistryClient : IDisposable
    {
        public const long DefaultChunkSize = 256L << 20;
        public const int MaxManifestBytes = 4 << 20;
        private const int BufferSize = 1 << 20;

        private readonly HttpClient http;
        private readonly OciReference reference;
        private readonly RegistryCredential? credential;
        private readonly Uri root;
        private volatile AuthenticationHeaderValue? authorization;

        public RegistryClient(OciReference reference, RegistryCredential? credential, bool plainHttp, HttpMessageHandler? handler = null)
        {
            this.reference = reference;
            this.credential = credential;
            var scheme = plainHttp || reference.IsLoopback ? "http" : "https";
            root = new Uri(scheme + "://" + reference.Host + "/v2/");
            http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = TimeSpan.FromMinutes(30);
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("MlOps.Sdk", "1.0"));
        }

        /// <summary>Blobs up to this size go in one PUT; larger ones in PATCH requests of this size.</summary>
        public long ChunkSize { get; set; } = DefaultChunkSize;

        private int requests;
        private int blobsUploaded;
        private long bytesUploaded;

        /// <summary>Every HTTP request sent (token requests included); tests count them.</summary>
        public int Requests => Volatile.Read(ref requests);

        public int BlobsUploaded => Volatile.Read(ref blobsUploaded);

        public long BytesUploaded => Interlocked.Read(ref bytesUploaded);

        private string Registry => reference.Host;

        public void Dispose() => http.Dispose();

        /// <summary>Checks /v2/ and answers its challenge for <paramref name="actions"/> ("pull" or "pull,push") on the repository.</summary>
        public void Authenticate(string actions) => Run(() => AuthenticateAsync(actions));

        public bool BlobExists(string digest) => Run(async () =>
        {
            using (var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, Repository("blobs/" + digest)), "check blob " + digest).ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }

                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return false;
                }

                throw Refused(response, "check for blob " + digest, null);
            }
        });

        /// <summary>Uploads a blob of <paramref name="size"/> bytes read from <paramref name="open"/>; the registry checks the digest.</summary>
        public void UploadBlob(string digest, long size, Func<Stream> open) => Run(async () =>
        {
            var location = await StartUploadAsync(digest).ConfigureAwait(false);
            using (var stream = open())
            {
                if (size <= ChunkSize)
                {
                    var content = new StreamContent(new LengthStream(stream, size), BufferSize);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    content.Headers.ContentLength = size;
                    var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = content };
                    using (var response = await SendOnceAsync(request, "upload blob " + digest).ConfigureAwait(false))
                    {
                        if (response.StatusCode != HttpStatusCode.Created)
                        {
                            throw Refused(response, "upload of blob " + digest, await ErrorText(response).ConfigureAwait(false));
                        }
                    }
                }
                else
                {
                    // Each chunk streams from the blob's stream (no chunk-sized buffer in memory).
                    long offset = 0;
                    while (offset < size)
                    {
                        var length = Math.Min(ChunkSize, size - offset);
                        var content = new StreamContent(new LengthStream(stream, length), BufferSize);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                        content.Headers.ContentLength = length;
                        content.Headers.TryAddWithoutValidation("Content-Range", offset.ToString(CultureInfo.InvariantCulture) + "-" + (offset + length - 1).ToString(CultureInfo.InvariantCulture));
                        var request = new HttpRequestMessage(new HttpMethod("PATCH"), location) { Content = content };
                        using (var response = await SendOnceAsync(request, "upload blob " + digest).ConfigureAwait(false))
                        {
                            if (response.StatusCode != HttpStatusCode.Accepted)
                            {
                                throw Refused(response, "chunked upload of blob " + digest, await ErrorText(response).ConfigureAwait(false));
                            }

                            location = Location(response) ?? location;
                        }

                        offset += length;
                    }

                    var close = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = new ByteArrayContent(Array.Empty<byte>()) };
                    close.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    using (var response = await SendOnceAsync(close, "upload blob " + digest).ConfigureAwait(false))
                    {
                        if (response.StatusCode != HttpStatusCode.Created)
                        {
                            throw Refused(response, "upload of blob " + digest, await ErrorText(response).ConfigureAwait(false));
                        }
                    }
                }
            }

            Interlocked.Increment(ref blobsUploaded);
            Interlocked.Add(ref bytesUploaded, size);
        });

        /// <summary>PUTs a manifest under a tag or its digest; the registry's answer, for the caller to decide on a fallback.</summary>
        public ManifestPutResult PutManifest(string tagOrDigest, string mediaType, byte[] bytes) => Run(async () =>
        {
            using (var response = await SendAsync(
                () =>
                {
                    var content = new ByteArrayContent(bytes);
                    content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                    return new HttpRequestMessage(HttpMethod.Put, Repository("manifests/" + tagOrDigest)) { Content = content };
                },
                "push manifest").ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.Created || response.StatusCode == HttpStatusCode.OK)
                {
                    return new ManifestPutResult((int)response.StatusCode, null);
                }

                if ((int)response.StatusCode >= 400 && (int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.Unauthorized && response.StatusCode != HttpStatusCode.Forbidden)
                {
                    return new ManifestPutResult((int)response.StatusCode, await ErrorText(response).ConfigureAwait(false));
                }

                throw Refused(response, "push of the manifest", await ErrorText(response).ConfigureAwait(false));
            }
        });

        /// <summary>GETs a manifest by digest and checks that its bytes have that digest.</summary>
        public byte[] GetManifest(string digest, IEnumerable<string> accept) => Run(async () =>
        {
            using (var response = await SendAsync(
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, Repository("manifests/" + digest));
                    foreach (var type in accept)
                    {
                        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                    }

                    return request;
                },
                "fetch manifest " + digest).ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new OciException(ErrorCodes.InvalidReference, $"MlPull: {reference.Name} has no manifest {digest} (404). Check the reference: the digest is the one MlPush printed as {reference.Name}@sha256:....");
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw Refused(response, "fetch of manifest " + digest, await ErrorText(response).ConfigureAwait(false));
                }

                using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var memory = new MemoryStream())
                {
                    await CopyLimitedAsync(stream, memory, MaxManifestBytes, "manifest " + digest).ConfigureAwait(false);
                    var bytes = memory.ToArray();
                    var actual = Digest(bytes);
                    if (!string.Equals(actual, digest, StringComparison.Ordinal))
                    {
                        throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: the manifest {reference.Name} sent for {digest} has the digest {actual}: it is not the manifest the reference names. Nothing was copied. The registry's storage is damaged or something between you and it altered the answer.");
                    }

                    return bytes;
                }
            }
        });

        /// <summary>Streams a blob into <paramref name="destination"/>, hashing as it goes; a wrong size or digest throws MLOPS517.</summary>
        public void DownloadBlob(string digest, long size, Stream destination) => Run(async () =>
        {
            using (var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Repository("blobs/" + digest)), "fetch blob " + digest, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false))
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw Refused(response, "fetch of blob " + digest, await ErrorText(response).ConfigureAwait(false));
                }

                using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var sha = SHA256.Create())
                {
                    var buffer = new byte[BufferSize];
                    long total = 0;
                    int read;
                    while ((read = await ReadBodyAsync(stream, buffer, digest).ConfigureAwait(false)) > 0)
                    {
                        total += read;
                        if (total > size)
                        {
                            throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: blob {digest} of {reference.Name} is longer than the {size} bytes its manifest says. Nothing was copied.");
                        }

                        sha.TransformBlock(buffer, 0, read, null, 0);
                        await destination.WriteAsync(buffer, 0, read).ConfigureAwait(false);
                    }

                    sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                    var actual = "sha256:" + Hex.Lower(sha.Hash!);
                    if (total != size || !string.Equals(actual, digest, StringComparison.Ordinal))
                    {
                        throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: blob {digest} of {reference.Name} arrived as {total} bytes with the digest {actual}, not the {size} bytes with the digest its manifest names. Nothing was copied. The registry's storage is damaged or the blob was replaced there; push the model again.");
                    }
                }
            }
        });

        public static string Digest(byte[] bytes)
        {
            using (var sha = SHA256.Create())
            {
                return "sha256:" + Hex.Lower(sha.ComputeHash(bytes));
            }
        }

        // ---- authentication --------------------------------------------------------------------------------------

        private async Task AuthenticateAsync(string actions)
        {
            using (var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, root), "connect").ConfigureAwait(false))
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    throw Refused(response, "API check (GET /v2/)", null);
                }

                var challenge = Challenge.Parse(response.Headers.WwwAuthenticate);
                if (challenge is null)
                {
                    throw new OciException(ErrorCodes.RegistryAccessDenied, $"The registry {Registry} asks for authentication (401) with a challenge MlOps.Sdk does not know (neither Basic nor Bearer).");
                }

                if (challenge.Scheme == "basic")
                {
                    if (credential is null)
                    {
                        throw NoCredentials();
                    }

                    authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.User + ":" + credential.Secret)));
                    using (var check = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, root), "connect").ConfigureAwait(false))
                    {
                        if (check.StatusCode != HttpStatusCode.OK)
                        {
                            throw Refused(check, "API check (GET /v2/)", null);
                        }
                    }

                    return;
                }

                authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(challenge, "repository:" + reference.Repository + ":" + actions).ConfigureAwait(false));
            }
        }

        private async Task<string> TokenAsync(Challenge challenge, string scope)
        {
            if (!challenge.Parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
            {
                throw new OciException(ErrorCodes.RegistryAccessDenied, $"The registry {Registry} asks for a Bearer token without naming a token service (realm) that is a URL.");
            }

            var query = new StringBuilder();
            if (challenge.Parameters.TryGetValue("service", out var service))
            {
                query.Append("service=").Append(Uri.EscapeDataString(service));
            }

            query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(scope));
            var builder = new UriBuilder(realmUri) { Query = (realmUri.Query.Length > 1 ? realmUri.Query.Substring(1) + "&" : string.Empty) + query };
            var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
            if (credential is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.User + ":" + credential.Secret)));
            }

            Interlocked.Increment(ref requests);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException)
            {
                throw new OciException(ErrorCodes.RegistryUnreachable, $"The token service {realmUri.GetLeftPart(UriPartial.Path)} of the registry {Registry} cannot be reached: {Reason(e)}.");
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized || response.StatusCode == HttpStatusCode.Forbidden)
                {
                    throw credential is null
                        ? NoCredentials()
                        : new OciException(ErrorCodes.RegistryAccessDenied, $"The token service of the registry {Registry} refused the credentials from {credential.Source} ({(int)response.StatusCode}) for {scope}. Check the user name and password (or log in again: docker login {Registry}).");
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new OciException(ErrorCodes.RegistryUnreachable, $"The token service of the registry {Registry} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                Dictionary<string, object?>? answer = null;
                try
                {
                    answer = JsonReader.Parse(text) as Dictionary<string, object?>;
                }
                catch (JsonFormatException)
                {
                }

                var token = answer is null ? null : (answer.TryGetValue("token", out var t) && t is string s && s.Length > 0 ? s : answer.TryGetValue("access_token", out var a) ? a as string : null);
                if (string.IsNullOrEmpty(token))
                {
                    throw new OciException(ErrorCodes.RegistryAccessDenied, $"The token service of the registry {Registry} answered without a token.");
                }

                return token!;
            }
        }

        private OciException NoCredentials() => new OciException(
            ErrorCodes.RegistryAccessDenied,
            $"The registry {Registry} needs credentials and none are configured for it: log in (docker login {Registry}, which writes ~/.docker/config.json), or set MlRegistryUser and MlRegistryPassword (the password from an environment variable).");

        // ---- requests --------------------------------------------------------------------------------------------

        private Uri Repository(string path) => new Uri(root, reference.Repository + "/" + path);

        private async Task<Uri> StartUploadAsync(string digest)
        {
            using (var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Repository("blobs/uploads/")) { Content = new ByteArrayContent(Array.Empty<byte>()) }, "upload blob " + digest).ConfigureAwait(false))
            {
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw Refused(response, "start of the upload of blob " + digest, await ErrorText(response).ConfigureAwait(false));
                }

                return Location(response) ?? throw new OciException(ErrorCodes.RegistryRefusedArtifact, $"The registry {Registry} accepted an upload without saying where to send it (no Location header).");
            }
        }

        private Uri? Location(HttpResponseMessage response)
        {
            var location = response.Headers.Location;
            return location is null ? null : location.IsAbsoluteUri ? location : new Uri(root, location);
        }

        private static Uri WithDigest(Uri location, string digest)
        {
            var text = location.ToString();
            return new Uri(text + (text.IndexOf('?') >= 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest));
        }

        /// <summary>Sends a request that can be built again, answering one more challenge if a token expired or lacks a scope.</summary>
        private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string what, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
        {
            var response = await SendRawAsync(create(), what, completion).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && authorization?.Scheme == "Bearer")
            {
                var challenge = Challenge.Parse(response.Headers.WwwAuthenticate);
                if (challenge is not null && challenge.Scheme == "bearer" && challenge.Parameters.TryGetValue("scope", out var scope))
                {
                    response.Dispose();
                    authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(challenge, scope).ConfigureAwait(false));
                    response = await SendRawAsync(create(), what, completion).ConfigureAwait(false);
                }
            }

            return response;
        }

        private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string what) => SendRawAsync(request, what);

        private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, string what, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
        {
            request.Headers.Authorization = authorization;
            Interlocked.Increment(ref requests);
            try
            {
                return await http.SendAsync(request, completion).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException || e is IOException)
            {
                throw new OciException(ErrorCodes.RegistryUnreachable, $"The registry {Registry} cannot be reached ({what}: {Reason(e)}). Check the host and port in the reference, that the registry runs, and the network or proxy between you and it.");
            }
        }

        private OciException Refused(HttpResponseMessage response, string what, string? detail)
        {
            var status = (int)response.StatusCode;
            var said = string.IsNullOrEmpty(detail) ? string.Empty : " (" + detail + ")";
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return credential is null
                    ? NoCredentials()
                    : new OciException(ErrorCodes.RegistryAccessDenied, $"The registry {Registry} refused the credentials from {credential.Source} for the {what} (401 Unauthorized){said}. Check the user name and password, or log in again (docker login {Registry}).");
            }

            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                return new OciException(ErrorCodes.RegistryAccessDenied, $"The registry {Registry} denied the {what} in {reference.Repository} (403 Forbidden){said}: the account{(credential is null ? string.Empty : " from " + credential.Source)} has no access of that kind to the repository. Ask for it, or use another repository.");
            }

            if (status >= 500)
            {
                return new OciException(ErrorCodes.RegistryUnreachable, $"The registry {Registry} failed the {what} with {status} {response.ReasonPhrase}{said}. Try again later; if it stays, the registry's operators can tell why.");
            }

            return new OciException(ErrorCodes.RegistryRefusedArtifact, $"The registry {Registry} refused the {what} with {status} {response.ReasonPhrase}{said}.");
        }

        /// <summary>The codes and messages of an OCI error body (never the whole body, which a proxy could fill with anything).</summary>
        private static async Task<string?> ErrorText(HttpResponseMessage response)
        {
            try
            {
                var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (JsonReader.Parse(text) is Dictionary<string, object?> body && body.TryGetValue("errors", out var value) && value is List<object?> errors)
                {
                    var parts = errors.OfType<Dictionary<string, object?>>()
                        .Select(e => (e.TryGetValue("code", out var c) ? c as string : null) + (e.TryGetValue("message", out var m) && m is string message ? ": " + message : string.Empty))
                        .Where(p => p.Length > 0)
                        .Take(3)
                        .ToList();
                    return parts.Count == 0 ? null : string.Join("; ", parts);
                }
            }
            catch (Exception e) when (e is JsonFormatException || e is IOException || e is HttpRequestException)
            {
            }

            return null;
        }

        /// <summary>A connection that breaks while a body streams surfaces as an IOException: the registry is unreachable.</summary>
        private async Task<int> ReadBodyAsync(Stream stream, byte[] buffer, string digest)
        {
            try
            {
                return await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException || e is TaskCanceledException)
            {
                throw new OciException(ErrorCodes.RegistryUnreachable, $"The connection to the registry {Registry} broke while blob {digest} was fetched ({Reason(e)}). Nothing was copied; pull again.");
            }
        }

        private static string Reason(Exception e)
        {
            if (e is TaskCanceledException)
            {
                return "no answer in time";
            }

            var inner = e;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            return inner.Message.TrimEnd('.');
        }

        private static async Task CopyLimitedAsync(Stream source, Stream destination, long limit, string what)
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw new OciException(ErrorCodes.PulledArtifactMismatch, $"MlPull: the {what} is larger than {limit} bytes; it is not a model manifest.");
                }

                destination.Write(buffer, 0, read);
            }
        }

        private static T Run<T>(Func<Task<T>> action) => Task.Run(action).GetAwaiter().GetResult();

        private static void Run(Func<Task> action) => Task.Run(action).GetAwaiter().GetResult();

        /// <summary>A WWW-Authenticate challenge: its scheme (lower case) and parameters.</summary>
        internal sealed class Challenge
        {
            private Challenge(string scheme, Dictionary<string, string> parameters)
            {
                Scheme = scheme;
                Parameters = parameters;
            }

            public string Scheme { get; }

            public Dictionary<string, string> Parameters { get; }

            public static Challenge? Parse(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
            {
                foreach (var header in headers)
                {
                    var scheme = header.Scheme.ToLowerInvariant();
                    if (scheme == "bearer" || scheme == "basic")
                    {
                        return new Challenge(scheme, ParseParameters(header.Parameter ?? string.Empty));
                    }
                }

                return null;
            }

            /// <summary>realm="https://auth",service="registry",scope="repository:a/b:pull,push" (commas inside quotes kept).</summary>
            internal static Dictionary<string, string> ParseParameters(string text)
            {
                var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                var i = 0;
                while (i < text.Length)
                {
                    while (i < text.Length && (text[i] == ',' || text[i] == ' '))
                    {
                        i++;
                    }

                    var equals = text.IndexOf('=', i);
                    if (equals < 0)
                    {
                        break;
                    }

                    var key = text.Substring(i, equals - i).Trim();
                    i = equals + 1;
                    var value = new StringBuilder();
                    if (i < text.Length && text[i] == '"')
                    {
                        i++;
                        while (i < text.Length && text[i] != '"')
                        {
                            if (text[i] == '\\' && i + 1 < text.Length)
                            {
                                i++;
                            }

                            value.Append(text[i++]);
                        }

                        i++;
                    }
                    else
                    {
                        while (i < text.Length && text[i] != ',')
                        {
                            value.Append(text[i++]);
                        }
                    }

                    result[key] = value.ToString().Trim();
                }

                return result;
            }
        }

        /// <summary>Gives StreamContent a stream of known length over a zip entry stream (which cannot tell its length).</summary>
        private sealed class LengthStream : Stream
        {
            private readonly Stream inner;
            private readonly long length;
            private long position;

            public LengthStream(Stream inner, long length)
            {
                this.inner = inner;
                this.length = length;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => length;

            public override long Position
            {
                get => position;
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var read = inner.Read(buffer, offset, (int)Math.Min(count, length - position));
                position += read;
                return read;
            }

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
                Task.FromResult(Read(buffer, offset, count));

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }

    internal sealed class ManifestPutResult
    {
        public ManifestPutResult(int status, string? error)
        {
            Status = status;
            Error = error;
        }

        public int Status { get; }

        /// <summary>The registry's error codes and messages; null when it accepted the manifest.</summary>
        public string? Error { get; }

        public bool Accepted => Status == 200 || Status == 201;
    }
}
