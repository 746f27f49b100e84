global using Xunit;
global using Sourceless.Tests.Support;
