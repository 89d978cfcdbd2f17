import { statSync } from 'node:fs';

/**
 * What a failed Docker connection means for whoever runs the service. A socket it may not open
 * (EACCES) names the socket's group and how to give it to the service (the image runs as a non-root
 * user: `--group-add`, compose `group_add`, or the DOCKER_GID build argument); a missing socket or a
 * refused connection says what to check. Other errors keep Docker's own words.
 */
export function explainDockerError(error: unknown, socketPath?: string): string {
  const e = error as NodeJS.ErrnoException | undefined;
  const message = String(e?.message ?? error);
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return socketPath ? permissionHint(socketPath) : `${message}: permission denied`;
    case 'ENOENT':
      return `${message}: no Docker socket there; is Docker running, and is the socket mounted (-v /var/run/docker.sock:/var/run/docker.sock:ro)? Set DOCKER_SOCKET or DOCKER_HOST if it is elsewhere`;
    case 'ECONNREFUSED':
      return `${message}: nothing accepts connections there; is the Docker daemon running? (DOCKER_HOST / DOCKER_SOCKET)`;
    default:
      return message;
  }
}

/** The socket's owner and mode against this process's user and groups, and the group to add. */
function permissionHint(socketPath: string): string {
  const uid = process.getuid?.();
  const groups = process.getgroups?.() ?? [];
  let owner = '';
  let gid: number | undefined;
  try {
    const st = statSync(socketPath);
    gid = st.gid;
    owner = ` (owner uid ${st.uid}, group ${st.gid}, mode ${(st.mode & 0o777).toString(8)})`;
  } catch {
    /* gone meanwhile: say what we can */
  }
  const add = gid !== undefined ? `group ${gid}` : "the socket's group";
  const arg = gid !== undefined ? String(gid) : '<gid>';
  return (
    `permission denied on the Docker socket ${socketPath}${owner}; this process runs as uid ${uid ?? '?'} with groups ${groups.join(',') || 'none'}: ` +
    `give it ${add} (docker run --group-add ${arg}; compose: group_add: ["${arg}"]; or build the image with --build-arg DOCKER_GID=${arg})`
  );
}
