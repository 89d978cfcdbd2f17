/** A container label that opts it out of collection: `logagg.enable=false`. */
export const OPT_OUT_LABEL = 'logagg.enable';

/** What the service keeps about a container. */
export interface ContainerInfo {
  id: string;
  /** Without the leading `/`. */
  name: string;
  service: string;
  image: string;
  project?: string;
  labels: Record<string, string>;
}

/** A container label that names its service, over the Compose one: `logagg.service=<name>`. */
export const SERVICE_LABEL = 'logagg.service';

/** `logagg.service`, else the Compose service label, else the container's name without the leading `/`. */
export function serviceName(name: string, labels: Record<string, string> | undefined): string {
  return labels?.[SERVICE_LABEL]?.trim() || labels?.['com.docker.compose.service'] || name.replace(/^\//, '');
}

/** Builds ContainerInfo from a list entry, an inspect result or an event's attributes. */
export function containerInfo(id: string, rawName: string, image: string, labels: Record<string, string> | undefined): ContainerInfo {
  const name = rawName.replace(/^\//, '');
  const l = labels ?? {};
  return { id, name, service: serviceName(name, l), image, project: l['com.docker.compose.project'], labels: l };
}

/** Whether a container is collected: not opted out by label, and allowed by the include/exclude name patterns. */
export function isCollected(info: ContainerInfo, include: RegExp[], exclude: RegExp[]): boolean {
  if (info.labels[OPT_OUT_LABEL]?.toLowerCase() === 'false') return false;
  if (include.length > 0 && !include.some((r) => r.test(info.name))) return false;
  return !exclude.some((r) => r.test(info.name));
}
