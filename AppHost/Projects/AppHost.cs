namespace Projects;

/// <summary>
/// Names this AppHost to the testing builder, as Aspire generates <c>Projects.AppHost</c> in a test
/// project: <c>DistributedApplicationTestingBuilder.CreateAsync&lt;Projects.AppHost&gt;()</c>.
/// </summary>
public sealed class AppHost;
