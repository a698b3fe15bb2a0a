import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * The real Bicep CLI, as `dotnet restore tools/bicep` leaves it: the NuGet package Azure.Bicep.CommandLine.linux-x64
 * at the version tools/bicep/bicep.csproj names, its self-contained binary at tools/bicep inside the package
 * (NuGet's package folder is $NUGET_PACKAGES, else ~/.nuget/packages). BICEP_PATH names another binary.
 */

const root = path.resolve(__dirname, '../..');
const run = promisify(execFile);

export type BicepCli = { readonly path: string } | { readonly missing: string };

export function findBicep(env: NodeJS.ProcessEnv = process.env): BicepCli {
  if (env.BICEP_PATH) return executable(env.BICEP_PATH, 'BICEP_PATH names');
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      missing: `tools/bicep restores the linux-x64 Bicep CLI; on ${process.platform}-${process.arch} set BICEP_PATH`,
    };
  }
  const project = readFileSync(path.join(root, 'tools/bicep/bicep.csproj'), 'utf8');
  const version = /Include="Azure\.Bicep\.CommandLine\.linux-x64" Version="\[([^\]]+)\]"/.exec(project)?.[1];
  if (!version) return { missing: 'tools/bicep/bicep.csproj names no Azure.Bicep.CommandLine.linux-x64 version' };
  const packages = env.NUGET_PACKAGES ?? path.join(homedir(), '.nuget', 'packages');
  return executable(
    path.join(packages, 'azure.bicep.commandline.linux-x64', version, 'tools', 'bicep'),
    '`dotnet restore tools/bicep` puts it at',
  );
}

function executable(file: string, what: string): BicepCli {
  if (!existsSync(file)) return { missing: `no Bicep CLI where ${what} ${file} (run \`dotnet restore tools/bicep\`)` };
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return { missing: `${file} is not executable (NuGet drops the run bit: chmod +x it)` };
  }
  return { path: file };
}

export interface BicepRun {
  readonly code: number;
  /** What the CLI printed on stdout and stderr together: its diagnostics. */
  readonly output: string;
  readonly stdout: string;
}

/** Runs the CLI from the repository's root with the repository's bicepconfig.json; never throws on a failed run. */
export async function bicep(cli: string, args: readonly string[]): Promise<BicepRun> {
  try {
    const { stdout, stderr } = await run(cli, [...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}`, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: failed.code ?? 1,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
      stdout: failed.stdout ?? '',
    };
  }
}

/**
 * What a deployment of infra/main.bicep with these parameters would create, evaluated offline by `bicep snapshot`:
 * every resource with the parameters applied and the conditions decided; values only Azure knows (an identity's
 * client id, a storage endpoint) stay `[reference('<resource id>', …).<property>]` expressions.
 */
export async function snapshotOf(cli: string, params: Readonly<Record<string, string>>): Promise<Snapshot> {
  const folder = mkdtempSync(path.join(tmpdir(), 'bicep-snapshot-'));
  try {
    const file = path.join(folder, 'main.bicepparam');
    const using = path.relative(folder, path.join(root, 'infra/main.bicep')).split(path.sep).join('/');
    // A Bicep string: backslashes and quotes escaped.
    const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    const lines = Object.entries(params).map(([name, value]) => `param ${name} = ${quote(value)}`);
    writeFileSync(file, [`using '${using}'`, ...lines, ''].join('\n'));
    const context = ['--subscription-id', SUBSCRIPTION, '--tenant-id', TENANT, '--location', LOCATION];
    const result = await bicep(cli, ['snapshot', file, ...context, '--config', path.join(root, 'bicepconfig.json')]);
    if (result.code !== 0) throw new Error(`bicep snapshot failed:\n${result.output}`);
    return JSON.parse(readFileSync(path.join(folder, 'main.snapshot.json'), 'utf8')) as Snapshot;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export const SUBSCRIPTION = '00000000-0000-0000-0000-00000000000a';
export const TENANT = '00000000-0000-0000-0000-00000000000b';
export const LOCATION = 'swedencentral';

export interface PredictedResource {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly location?: string;
  readonly kind?: string;
  readonly sku?: Record<string, unknown>;
  readonly identity?: { readonly type: string; readonly userAssignedIdentities?: Record<string, unknown> };
  readonly properties?: Record<string, unknown>;
}

export interface Snapshot {
  readonly predictedResources: readonly PredictedResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly diagnostics: readonly unknown[];
}
