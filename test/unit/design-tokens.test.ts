import { contrastRatio, contrastReport, renderThemeCss, validateTokens, type Tokens } from '../../services/theme/design-tokens';

describe('contrast', () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBe(21);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // #767676 is the lightest grey that passes AA on white; #777777 just fails.
    expect(contrastRatio('#767676', '#ffffff')).toBe(4.54);
    expect(contrastRatio('#ffffff', '#777777')).toBe(4.48);
  });

  it('reports text on background and button text on button', () => {
    const report = contrastReport({
      colorTextPrimary: '#767676',
      colorBackground: '#ffffff',
      buttonTextColor: '#ffffff',
      buttonBackgroundColor: '#777777',
    } as Tokens);
    expect(report.text).toEqual({ foreground: '#767676', background: '#ffffff', ratio: 4.54, passesAA: true });
    expect(report.button.passesAA).toBe(false);
  });
});

describe('design token rules', () => {
  it('lower-cases colours and keeps other values as given', () => {
    expect(validateTokens({ colorPrimary: '#ABCDEF', fontSizeBase: 16, logoUrl: null })).toEqual({
      colorPrimary: '#abcdef',
      fontSizeBase: 16,
      logoUrl: null,
    });
  });

  it('lists every problem in details while the code names the first field', () => {
    expect(() => validateTokens({ colorPrimary: 'red', fontSizeBase: 99 })).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'invalid_color_primary',
        details: { issues: [expect.objectContaining({ field: 'colorPrimary' }), expect.objectContaining({ field: 'fontSizeBase' })] },
      }),
    );
  });

  it('renders images as url("…") or none, and sizes in px', () => {
    const css = renderThemeCss({ logoUrl: 'https://cdn.example.com/l.png', heroImageUrl: null, spacingUnit: 8 } as Tokens);
    expect(css).toContain('--logo-url: url("https://cdn.example.com/l.png");');
    expect(css).toContain('--hero-image-url: none;');
    expect(css).toContain('--spacing-unit: 8px;');
  });
});
