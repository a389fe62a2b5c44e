// Placeholder shell until the lab UI lands: names the app and what it will hold.
export function App() {
  return (
    <main className="shell">
      <h1>DDL Lab</h1>
      <p>Distribution Distillation Loss for hard face samples: datasets, split tuning, live training and failure inspection.</p>
      <nav aria-label="Pages">
        <ul>
          {['Datasets', 'Split', 'Train', 'Runs', 'Inspect'].map((page) => (
            <li key={page}>{page}</li>
          ))}
        </ul>
      </nav>
    </main>
  );
}
