// Keeps a rendering bug in the camera panel a message instead of a blank page; "Try again"
// re-renders it.
import { Component, type ReactNode } from 'react';

export class PanelBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };

  static getDerivedStateFromError(err: unknown): { error: string } {
    return { error: (err as Error).message ?? String(err) };
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="empty" role="alert" data-testid="panel-error">
        The camera panel failed: {this.state.error}{' '}
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
