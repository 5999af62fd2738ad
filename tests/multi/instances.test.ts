/**
 * The several-instances harness itself: two servers on one database answer,
 * share the media directory, and one of them can crash without the other.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { instancesAvailable, startInstances } from "../helpers/instances.ts";

Deno.test({
  name: "instances: two servers on one database both serve; killing one leaves the other up",
  ignore: !instancesAvailable(),
  async fn() {
    await using cluster = await startInstances(2);
    const [a, b] = cluster.instances;
    assert(a.dataDir !== b.dataDir, "each instance has its own DATA_DIR");
    for (const i of cluster.instances) {
      const r = await fetch(i.origin + "/health");
      assertEquals(r.status, 200);
      await r.body?.cancel();
    }
    await a.kill("SIGKILL");
    const r = await fetch(b.origin + "/health");
    assertEquals(r.status, 200);
    await r.body?.cancel();
  },
});
