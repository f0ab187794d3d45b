using Microsoft.CodeAnalysis;

namespace MlOps.Analyzers
{
    /// <summary>The one way descriptors are built, so every rule gets its help link and tags.</summary>
    internal static class DiagnosticDescriptors
    {
        public static DiagnosticDescriptor Create(
            string id,
            string title,
            string messageFormat,
            string category,
            DiagnosticSeverity defaultSeverity,
            string description)
        {
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                defaultSeverity,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: RuleIdentifiers.GetHelpUri(id),
                customTags: WellKnownDiagnosticTags.Telemetry);
        }
    }
}
