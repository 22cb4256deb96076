// Package deploy holds the files that run devopsbot outside a laptop: the
// Slack app manifests (Socket Mode and HTTP Request URLs), Docker Compose,
// Kubernetes manifests and a CloudFormation template for ECS Fargate. It has
// no Go code of its own; its tests parse every file and check it against the
// bot: environment variables against the Config struct, URL paths and probes
// against the HTTP routes, OAuth scopes against the Slack calls, the root
// Dockerfile against the binary it builds, and the README's configuration
// table, commands and examples against the code. End-to-end tests run that
// binary in serve mode against a fake Slack and stop it with SIGTERM.
//
// Its tests also hold the code to DESIGN.md: the Go packages' import
// arrows (TestImportRules) and the /devops subcommand table against both
// manifests' usage hint and the README (commands_test.go). Nothing imports
// deploy.
package deploy
