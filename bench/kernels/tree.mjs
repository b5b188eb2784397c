// Tree and graph walks: a binary search tree built by recursive insertion and walked recursively (in-order,
// height), and a random sparse graph walked breadth-first (queue) and depth-first (explicit stack).
// Self-check: the in-order walk is sorted and visits every distinct key; BFS and DFS reach the same nodes.
export const meta = { title: 'tree + graph walk', n: 30 };

function insert(node, key) {
  if (node === null) return { key, left: null, right: null };
  if (key < node.key) node.left = insert(node.left, key);
  else if (key > node.key) node.right = insert(node.right, key);
  return node;
}

function inorder(node, out) {
  if (node === null) return;
  inorder(node.left, out);
  out.push(node.key);
  inorder(node.right, out);
}

function height(node) {
  return node === null ? 0 : 1 + Math.max(height(node.left), height(node.right));
}

function makeGraph(nodes, degree, seed) {
  let s = seed >>> 0;
  const adj = [];
  for (let i = 0; i < nodes; i++) {
    const edges = [(i + 1) % nodes];
    for (let d = 1; d < degree; d++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      edges.push(s % nodes);
    }
    adj.push(edges);
  }
  return adj;
}

function bfs(adj, start) {
  const dist = new Int32Array(adj.length).fill(-1);
  const queue = [start];
  dist[start] = 0;
  let sum = 0;
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    sum += dist[v];
    for (const w of adj[v]) {
      if (dist[w] === -1) {
        dist[w] = dist[v] + 1;
        queue.push(w);
      }
    }
  }
  return { reached: queue.length, sum };
}

function dfs(adj, start) {
  const seen = new Uint8Array(adj.length);
  const stack = [start];
  let reached = 0;
  let order = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (seen[v]) continue;
    seen[v] = 1;
    reached++;
    order = (order * 31 + v) >>> 0;
    const edges = adj[v];
    for (let i = edges.length - 1; i >= 0; i--) if (!seen[edges[i]]) stack.push(edges[i]);
  }
  return { reached, order };
}

export function run(n) {
  let checksum = 0;
  let s = 2463534242;
  for (let r = 0; r < n; r++) {
    let root = null;
    const keys = new Set();
    for (let i = 0; i < 3000; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      const key = s % 100000;
      keys.add(key);
      root = insert(root, key);
    }
    const out = [];
    inorder(root, out);
    if (out.length !== keys.size) throw new Error('tree: in-order walk missed keys');
    for (let i = 1; i < out.length; i++) if (out[i - 1] >= out[i]) throw new Error('tree: in-order walk not sorted');
    const adj = makeGraph(4000, 3, r + 1);
    const b = bfs(adj, 0);
    const d = dfs(adj, 0);
    if (b.reached !== d.reached) throw new Error('graph: BFS and DFS disagree');
    checksum = (checksum * 31 + height(root) * 1000 + out[out.length >> 1] + b.sum + d.order) >>> 0;
  }
  return checksum;
}
