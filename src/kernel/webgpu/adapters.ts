/**
 * Which WebGPU adapter the kernel takes. Pure functions over adapter reports (what Dawn says
 * about an adapter), so the rule "auto never takes a software adapter" is testable without one.
 */

/** The graphics API Dawn drives the adapter through. */
export type DawnApi = 'vulkan' | 'opengles' | 'metal' | 'd3d12' | 'default';

export interface AdapterReport {
  api: DawnApi;
  featureLevel: 'core' | 'compatibility';
  /** GPUAdapterInfo's fields, as Dawn fills them ('' when unknown). */
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

const API_NAMES: Record<DawnApi, string> = { vulkan: 'Vulkan', opengles: 'OpenGL ES', metal: 'Metal', d3d12: 'D3D12', default: 'WebGPU' };

/**
 * CPU rasterisers that present themselves as GPUs: Mesa's llvmpipe/softpipe/lavapipe, Google's
 * SwiftShader, Windows' WARP ("Microsoft Basic Render Driver"). Dawn's isFallbackAdapter is
 * false for llvmpipe through OpenGL ES, so the names decide.
 */
const SOFTWARE = /llvmpipe|softpipe|lavapipe|swiftshader|microsoft basic render|\bwarp\b|software rasterizer/i;

export function isSoftwareAdapter(report: AdapterReport): boolean {
  return SOFTWARE.test([report.vendor, report.architecture, report.device, report.description].join(' '));
}

/** A short name for the status bar and log: "NVIDIA H100 80GB HBM3 (Vulkan)", "llvmpipe (OpenGL ES, software)". */
export function adapterLabel(report: AdapterReport): string {
  const api = API_NAMES[report.api];
  // Mesa through OpenGL ES names its device "llvmpipe-llvm-15-0-6-256-bits-": keep the driver's name.
  const software = isSoftwareAdapter(report);
  const rawName = report.device || report.description || report.vendor || 'unknown adapter';
  const name = software ? (rawName.match(SOFTWARE)?.[0] ?? rawName) : rawName;
  return `${name.trim()} (${api}${software ? ', software' : ''})`;
}

export interface AdapterChoice {
  chosen?: AdapterReport;
  /** Why each adapter that was found was not taken. */
  refused: string[];
}

/**
 * The first adapter in the order Dawn's backends were tried, skipping software adapters unless
 * they are allowed (`--backend webgpu` allows them; `auto` does not: wasm is faster than a
 * CPU rasteriser pretending to be a GPU).
 */
export function chooseAdapter(reports: readonly AdapterReport[], allowSoftware: boolean): AdapterChoice {
  const refused: string[] = [];
  for (const report of reports) {
    if (!allowSoftware && isSoftwareAdapter(report)) {
      refused.push(`${adapterLabel(report)} is a software adapter (a CPU rasteriser); --backend webgpu forces it`);
      continue;
    }
    return { chosen: report, refused };
  }
  return { refused };
}
