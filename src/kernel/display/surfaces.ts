/**
 * tfjs-vis "containers" (a surface {name, tab}, a visor surface, its drawArea, an element) map to
 * notebook outputs: the name becomes the title, and drawing to the same surface again updates
 * its output in place (as tfjs-vis redraws a surface) until the kernel starts the next cell.
 */
import { randomUUID } from 'node:crypto';
import type { MimeBundle } from '../../protocol/mime';
import type { DisplaySink } from './displayContext';
import type { SurfaceInfo, SurfaceElement, VisorSurface, Drawable, Visor } from '../../api/tfvis';
export type { SurfaceInfo, SurfaceElement, VisorSurface, Drawable, Visor } from '../../api/tfvis';

export const DEFAULT_TAB = 'Visor';

function field(o: object, key: string): unknown {
  return (o as Record<string, unknown>)[key];
}

export function surfaceTitle(container: Drawable): string | undefined {
  if (typeof container === 'string') return container || undefined;
  if (typeof container !== 'object' || container === null) return undefined;
  const name = field(container, 'name');
  if (typeof name === 'string' && name) return name;
  const drawArea = field(container, 'drawArea');
  if (typeof drawArea === 'object' && drawArea !== null) return surfaceTitle(drawArea);
  const id = field(container, 'id');
  return typeof id === 'string' && id ? id : undefined;
}

function surfaceName(container: Drawable): string | undefined {
  if (typeof container === 'string') return container ? `${DEFAULT_TAB}/${container}` : undefined;
  if (typeof container !== 'object' || container === null) return undefined;
  const name = field(container, 'name');
  if (typeof name === 'string' && name) {
    const tab = field(container, 'tab');
    return `${typeof tab === 'string' && tab ? tab : DEFAULT_TAB}/${name}`;
  }
  const drawArea = field(container, 'drawArea');
  return typeof drawArea === 'object' && drawArea !== null ? surfaceName(drawArea) : undefined;
}

export class SurfaceOutputs {
  private byName = new Map<string, string>();
  private byObject = new WeakMap<object, string>();

  constructor(private readonly sink: DisplaySink) {}

  show(container: Drawable, bundle: MimeBundle): void {
    const name = surfaceName(container);
    const known =
      name !== undefined
        ? this.byName.get(name)
        : typeof container === 'object' && container !== null
          ? this.byObject.get(container)
          : undefined;
    if (known) {
      this.sink.display(bundle, { displayId: known, update: true });
      return;
    }
    const displayId = `tfnb-vis-${randomUUID()}`;
    if (name !== undefined) this.byName.set(name, displayId);
    else if (typeof container === 'object' && container !== null) this.byObject.set(container, displayId);
    this.sink.display(bundle, { displayId });
  }

  /** Later drawings to the same surfaces create new outputs (called at the start of each cell). */
  reset(): void {
    this.byName = new Map();
    this.byObject = new WeakMap();
  }
}

/** tfjs-vis's visor has no place in a notebook: outputs appear inline. Its surfaces are containers. */
export function createVisor(): Visor {
  const el: SurfaceElement = { name: 'visor', tab: DEFAULT_TAB };
  const noop = (): void => {};
  return {
    el,
    surface(options: SurfaceInfo): VisorSurface {
      const name = options?.name;
      if (typeof name !== 'string') throw new Error("You must pass a config object with a 'name' property to create or retrieve a surface");
      const tab = typeof options.tab === 'string' ? options.tab : DEFAULT_TAB;
      const element: SurfaceElement = { name, tab };
      return { name, tab, container: element, label: element, drawArea: element };
    },
    isOpen: () => false,
    isFullscreen: () => false,
    open: noop,
    close: noop,
    toggle: noop,
    toggleFullScreen: noop,
    bindKeys: noop,
    unbindKeys: noop,
    setActiveTab: noop,
  };
}
