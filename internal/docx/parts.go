package docx

import (
	"fmt"
	"strings"
	"time"
)

// Page geometry in twentieths of a point (twips) and EMU.
const (
	pageW       = 11906 // A4 210 mm
	pageH       = 16838 // A4 297 mm
	margin      = 1417  // 25 mm
	textW       = pageW - 2*margin
	emuPerTwip  = 635
	emuPerPixel = 9525               // at 96 dpi
	maxPicW     = textW * emuPerTwip // the text width
	maxPicH     = 3960000            // 11 cm
)

// Fonts. Word finds 游明朝/游ゴシック by their Japanese names on any
// Windows; LibreOffice falls back through fontconfig to a Japanese face.
const (
	mincho = "游明朝"
	gothic = "游ゴシック"
)

const (
	fontsMincho = `<w:rFonts w:ascii="` + mincho + `" w:eastAsia="` + mincho + `" w:hAnsi="` + mincho + `" w:cs="Times New Roman"/>`
	fontsGothic = `<w:rFonts w:ascii="` + gothic + `" w:eastAsia="` + gothic + `" w:hAnsi="` + gothic + `" w:cs="Times New Roman"/>`
)

// Namespaces.
const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsWP  = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
	nsA   = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsPic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
	nsRel = "http://schemas.openxmlformats.org/package/2006/relationships"

	relDoc       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relCore      = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
	relApp       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
	relStyles    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
	relSettings  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
	relNumbering = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
	relFontTable = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
	relFooter    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
	relImage     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// Part names.
const (
	partContentTypes = "[Content_Types].xml"
	partRels         = "_rels/.rels"
	partCore         = "docProps/core.xml"
	partApp          = "docProps/app.xml"
	partDocument     = "word/document.xml"
	partStyles       = "word/styles.xml"
	partSettings     = "word/settings.xml"
	partNumbering    = "word/numbering.xml"
	partFontTable    = "word/fontTable.xml"
	partFooter       = "word/footer1.xml"
	partDocRels      = "word/_rels/document.xml.rels"
)

// Relationship ids of document.xml; images use rIdImageN.
const (
	ridStyles    = "rIdStyles"
	ridSettings  = "rIdSettings"
	ridNumbering = "rIdNumbering"
	ridFontTable = "rIdFontTable"
	ridFooter    = "rIdFooter1"
)

func contentTypes() string {
	const wml = "application/vnd.openxmlformats-officedocument.wordprocessingml."
	return xmlHeader +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Default Extension="jpeg" ContentType="image/jpeg"/>` +
		`<Override PartName="/` + partDocument + `" ContentType="` + wml + `document.main+xml"/>` +
		`<Override PartName="/` + partStyles + `" ContentType="` + wml + `styles+xml"/>` +
		`<Override PartName="/` + partSettings + `" ContentType="` + wml + `settings+xml"/>` +
		`<Override PartName="/` + partNumbering + `" ContentType="` + wml + `numbering+xml"/>` +
		`<Override PartName="/` + partFontTable + `" ContentType="` + wml + `fontTable+xml"/>` +
		`<Override PartName="/` + partFooter + `" ContentType="` + wml + `footer+xml"/>` +
		`<Override PartName="/` + partCore + `" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/` + partApp + `" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
		`</Types>`
}

func packageRels() string {
	return xmlHeader +
		`<Relationships xmlns="` + nsRel + `">` +
		`<Relationship Id="rId1" Type="` + relDoc + `" Target="` + partDocument + `"/>` +
		`<Relationship Id="rId2" Type="` + relCore + `" Target="` + partCore + `"/>` +
		`<Relationship Id="rId3" Type="` + relApp + `" Target="` + partApp + `"/>` +
		`</Relationships>`
}

func documentRels(media []*mediaFile) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<Relationships xmlns="` + nsRel + `">`)
	rel := func(id, typ, target string) {
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s" Target="%s"/>`, id, typ, target)
	}
	rel(ridStyles, relStyles, "styles.xml")
	rel(ridSettings, relSettings, "settings.xml")
	rel(ridNumbering, relNumbering, "numbering.xml")
	rel(ridFontTable, relFontTable, "fontTable.xml")
	rel(ridFooter, relFooter, "footer1.xml")
	for _, m := range media {
		rel(m.rID, relImage, "media/"+m.name)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func coreProps(doc docMeta, created time.Time) string {
	stamp := created.UTC().Format("2006-01-02T15:04:05Z")
	return xmlHeader +
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + escapeString(doc.title) + `</dc:title>` +
		`<dc:subject>` + escapeString(doc.subject) + `</dc:subject>` +
		`<dc:creator>` + escapeString(doc.author) + `</dc:creator>` +
		`<cp:lastModifiedBy>` + escapeString(doc.author) + `</cp:lastModifiedBy>` +
		`<cp:revision>1</cp:revision>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:modified>` +
		`<dc:language>` + escapeString(doc.lang) + `</dc:language>` +
		`</cp:coreProperties>`
}

func appProps(doc docMeta) string {
	return xmlHeader +
		`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"` +
		` xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
		`<Template>Normal.dotm</Template>` +
		`<Application>Kansa</Application>` +
		`<DocSecurity>0</DocSecurity>` +
		`<Company>` + escapeString(doc.author) + `</Company>` +
		`<LinksUpToDate>false</LinksUpToDate>` +
		`<SharedDoc>false</SharedDoc>` +
		`<HyperlinksChanged>false</HyperlinksChanged>` +
		`</Properties>`
}

// settingsXML: Word 2013+ layout (no compatibility mode), Japanese
// punctuation compression, the strict kinsoku rule set, and fields updated
// on open so that the TOC gets its page numbers. Elements follow the
// schema order of CT_Settings.
func settingsXML(lang string) string {
	return xmlHeader +
		`<w:settings xmlns:w="` + nsW + `">` +
		`<w:zoom w:percent="100"/>` +
		`<w:proofState w:spelling="clean" w:grammar="clean"/>` +
		`<w:defaultTabStop w:val="840"/>` +
		`<w:characterSpacingControl w:val="compressPunctuation"/>` +
		`<w:strictFirstAndLastChars/>` +
		`<w:updateFields w:val="true"/>` +
		`<w:compat>` +
		// Lines ending in a manual line break (w:br, from "\n") are not
		// stretched in justified paragraphs. LibreOffice reads this too.
		`<w:doNotExpandShiftReturn/>` +
		`<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>` +
		`</w:compat>` +
		`<w:themeFontLang w:val="en-US" w:eastAsia="` + lang + `"/>` +
		`<w:decimalSymbol w:val="."/>` +
		`<w:listSeparator w:val=","/>` +
		`</w:settings>`
}

// fontTableXML declares the two Japanese faces with their English names
// and the Shift_JIS charset, which is what lets Word (and LibreOffice)
// substitute sensibly where they are missing.
func fontTableXML() string {
	font := func(name, alt, family string) string {
		return `<w:font w:name="` + name + `"><w:altName w:val="` + alt + `"/>` +
			`<w:charset w:val="80"/><w:family w:val="` + family + `"/><w:pitch w:val="variable"/></w:font>`
	}
	return xmlHeader +
		`<w:fonts xmlns:w="` + nsW + `">` +
		font(mincho, "Yu Mincho", "roman") +
		font(gothic, "Yu Gothic", "swiss") +
		`<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
		`</w:fonts>`
}

// footerXML is the body section's footer: "- PAGE -", centred.
func footerXML() string {
	return xmlHeader +
		`<w:ftr xmlns:w="` + nsW + `" xmlns:r="` + nsR + `">` +
		`<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>` +
		`<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">- </w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r><w:rPr><w:noProof/></w:rPr><w:t>1</w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve"> -</w:t></w:r>` +
		`</w:p></w:ftr>`
}

// numberingXML: abstractNum 0 is the bullet list (numId 1); every ordered
// list gets its own abstractNum and num (numId 2, 3, ...), so each starts
// at (1) in Word and LibreOffice alike without relying on startOverride.
func numberingXML(ordered int) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<w:numbering xmlns:w="` + nsW + `">`)
	b.WriteString(`<w:abstractNum w:abstractNumId="0"><w:nsid w:val="4B414E00"/><w:multiLevelType w:val="singleLevel"/>` +
		`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="・"/><w:lvlJc w:val="left"/>` +
		`<w:pPr><w:ind w:left="630" w:hanging="420"/></w:pPr>` +
		`<w:rPr>` + fontsMincho + `</w:rPr></w:lvl></w:abstractNum>`)
	for i := 1; i <= ordered; i++ {
		fmt.Fprintf(&b, `<w:abstractNum w:abstractNumId="%d"><w:nsid w:val="%08X"/><w:multiLevelType w:val="singleLevel"/>`+
			`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%%1)"/><w:lvlJc w:val="left"/>`+
			`<w:pPr><w:ind w:left="735" w:hanging="525"/></w:pPr></w:lvl></w:abstractNum>`, i, 0x4B414E00+i)
	}
	b.WriteString(`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`)
	for i := 1; i <= ordered; i++ {
		fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="%d"/></w:num>`, i+1, i)
	}
	b.WriteString(`</w:numbering>`)
	return b.String()
}

// stylesXML is the style sheet. Child elements of w:style, w:pPr and w:rPr
// follow the schema order (Word is strict about it).
func stylesXML(lang string) string {
	tw := fmt.Sprint(textW)
	s := xmlHeader + `<w:styles xmlns:w="` + nsW + `">` +
		`<w:docDefaults>` +
		`<w:rPrDefault><w:rPr>` + fontsMincho + `<w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/>` +
		`<w:lang w:val="en-US" w:eastAsia="` + lang + `" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>` +
		`</w:docDefaults>` +

		// Normal: Japanese line breaking, justified, at least 17 pt lines
		// (游明朝's own line height is larger and then wins; "at least"
		// never clips pictures).
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:widowControl/><w:kinsoku/><w:wordWrap/><w:overflowPunct/><w:autoSpaceDE/><w:autoSpaceDN/>` +
		`<w:spacing w:after="0" w:line="340" w:lineRule="atLeast"/><w:jc w:val="both"/></w:pPr>` +
		`<w:rPr>` + fontsMincho + `<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>` +

		`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>` +
		`<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>` +
		`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>` +
		`<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>` +
		`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>` +
		`<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>` +

		heading(1, `<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="1" w:color="auto"/></w:pBdr>`, 480, 240, 28) +
		heading(2, "", 360, 120, 24) +
		heading(3, "", 240, 60, 22) +

		`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="10"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:after="120" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>` +
		`<w:rPr>` + fontsGothic + `<w:b/><w:bCs/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="11"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:after="120"/><w:jc w:val="center"/></w:pPr>` +
		`<w:rPr>` + fontsGothic + `<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="CoverClient"><w:name w:val="Cover Client"/><w:basedOn w:val="Normal"/>` +
		`<w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="CoverText"><w:name w:val="Cover Text"/><w:basedOn w:val="Normal"/>` +
		`<w:pPr><w:spacing w:after="60"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Marking"><w:name w:val="Marking"/><w:basedOn w:val="Normal"/>` +
		`<w:pPr><w:jc w:val="right"/></w:pPr><w:rPr>` + fontsGothic + `<w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>` +

		`<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/>` +
		`<w:uiPriority w:val="1"/><w:qFormat/><w:pPr><w:spacing w:after="120"/><w:jc w:val="both"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:after="60" w:line="280" w:lineRule="atLeast"/><w:jc w:val="left"/></w:pPr>` +
		`<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Center"><w:name w:val="Center"/><w:basedOn w:val="BodyText"/><w:qFormat/>` +
		`<w:pPr><w:jc w:val="center"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Right"><w:name w:val="Right"/><w:basedOn w:val="BodyText"/><w:qFormat/>` +
		`<w:pPr><w:jc w:val="right"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="BodyText"/><w:next w:val="BodyText"/>` +
		`<w:uiPriority w:val="29"/><w:qFormat/>` +
		`<w:pPr><w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="A6A6A6"/></w:pBdr>` +
		`<w:ind w:left="420" w:right="210"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/>` +
		`<w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/>` +
		`<w:uiPriority w:val="35"/><w:unhideWhenUsed/><w:qFormat/>` +
		`<w:pPr><w:spacing w:before="60" w:after="240" w:line="260" w:lineRule="atLeast"/><w:jc w:val="center"/></w:pPr>` +
		`<w:rPr>` + fontsGothic + `<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/><w:next w:val="Caption"/>` +
		`<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="120" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr></w:style>` +

		`<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:qFormat/>` +
		`<w:pPr><w:spacing w:before="0"/><w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="39"/><w:unhideWhenUsed/>` +
		`<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="` + tw + `"/></w:tabs><w:spacing w:before="120" w:after="40"/><w:jc w:val="left"/></w:pPr>` +
		`<w:rPr>` + fontsGothic + `</w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
		`<w:uiPriority w:val="39"/><w:unhideWhenUsed/>` +
		`<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="` + tw + `"/></w:tabs><w:spacing w:after="40"/><w:ind w:left="420"/><w:jc w:val="left"/></w:pPr></w:style>` +
		`<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/>` +
		`<w:uiPriority w:val="99"/><w:unhideWhenUsed/></w:style>` +

		`<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>` +
		`<w:uiPriority w:val="99"/><w:unhideWhenUsed/>` +
		`<w:pPr><w:tabs><w:tab w:val="center" w:pos="` + fmt.Sprint(textW/2) + `"/><w:tab w:val="right" w:pos="` + tw + `"/></w:tabs>` +
		`<w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>` +
		`<w:rPr>` + fontsMincho + `<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +

		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:line="260" w:lineRule="atLeast"/><w:jc w:val="left"/></w:pPr>` +
		`<w:rPr>` + fontsMincho + `<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableHeading"><w:name w:val="Table Heading"/><w:basedOn w:val="TableText"/><w:qFormat/>` +
		`<w:pPr><w:jc w:val="center"/></w:pPr>` +
		`<w:rPr>` + fontsGothic + `<w:b/><w:bCs/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:customStyle="1" w:styleId="PageBreak"><w:name w:val="Page Break"/><w:basedOn w:val="Normal"/>` +
		`<w:pPr><w:spacing w:line="20" w:lineRule="exact"/></w:pPr><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:style>` +
		`<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>` +
		`<w:tblPr><w:tblBorders>` + tableBorders + `</w:tblBorders></w:tblPr></w:style>` +
		`</w:styles>`
	return s
}

const tableBorders = `<w:top w:val="single" w:sz="8" w:space="0" w:color="auto"/>` +
	`<w:left w:val="single" w:sz="8" w:space="0" w:color="auto"/>` +
	`<w:bottom w:val="single" w:sz="8" w:space="0" w:color="auto"/>` +
	`<w:right w:val="single" w:sz="8" w:space="0" w:color="auto"/>` +
	`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>` +
	`<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/>`

// heading is a built-in heading style: "heading N" with outline level
// N-1, kept with the next paragraph so it is never left alone at a page
// bottom.
func heading(level int, border string, before, after, size int) string {
	return fmt.Sprintf(`<w:style w:type="paragraph" w:styleId="Heading%d"><w:name w:val="heading %d"/>`+
		`<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/>`+
		`<w:pPr><w:keepNext/><w:keepLines/>%s<w:spacing w:before="%d" w:after="%d"/><w:jc w:val="left"/><w:outlineLvl w:val="%d"/></w:pPr>`+
		`<w:rPr>%s<w:b/><w:bCs/><w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr></w:style>`,
		level, level, border, before, after, level-1, fontsGothic, size, size)
}
